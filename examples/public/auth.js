// The auth page: BaaS.auth.thirdPartyAuth() reads the page's parameters (provider, mode, handler,
// and the token the server adds when the provider sent the browser back) and does the rest.
;(function () {
  BaaS.init('demo', { host: location.origin })
  BaaS.auth.thirdPartyAuth()
})()
