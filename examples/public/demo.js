// The demo page's flows, each one call (or two) of the official MinApp web SDK (global BaaS),
// pointed at the server that serves this page.
;(function () {
  var t = window.demoI18n.t
  var ui = window.demoUi
  var $ = ui.$
  var run = ui.run
  var onSubmit = ui.onSubmit
  /** The signed-in user as plain JSON, or null. */
  var currentUser = null
  /** The app's identity providers (`oauth-oidc`...), from /identity-providers.json. */
  var providers = []
  /** The SDK's authPageUrl: the page that calls BaaS.auth.thirdPartyAuth(). */
  var AUTH_PAGE = new URL('auth.html', location.href).href

  BaaS.init('demo', { host: location.origin })

  // The SDK rejects with an Error whose message is "<HTTP status>: <the server's error_msg>",
  // which ui.showError shows as it is.

  /** Reads the signed-in user again and shows the page for it (or the sign-in forms). */
  function refresh() {
    return BaaS.auth.getCurrentUser().then(
      function (user) {
        render(user.toJSON())
      },
      function (error) {
        render(null)
        // 604: nobody signed in. A refused token (401): forget it.
        if (error && error.code === 401) return BaaS.clearSession()
        if (!error || error.code !== 604) throw error
      },
    )
  }

  function render(user) {
    currentUser = user
    $('signed-in').hidden = !user
    $('signed-out').hidden = !!user
    // No password stays in a form that is out of sight.
    ;(user ? ['register-form', 'login-form', 'sms-form'] : ['password-form']).forEach(function (id) {
      $(id).reset()
    })
    if (!user) return
    renderProfile(user)
    ui.fillProfileForm($('profile-form'), user)
  }

  function renderProfile(user) {
    var verified = function (flag) {
      return ' (' + t(flag ? 'verified' : 'unverified') + ')'
    }
    var rows = [
      ['id', user.id],
      ['username', user._username],
      ['email', user._email && user._email + verified(user._email_verified)],
      ['phone', user._phone && user._phone + verified(user._phone_verified)],
      ['nickname', user.nickname],
      ['gender', t('gender' + (user.gender || 0))],
      ['score', user.score],
      ['tags', (user.tags || []).join(', ')],
      ['providers', Object.keys(user._provider || {}).join(', ')],
      ['createdAt', user.created_at && ui.formatTime(user.created_at)],
    ]
    ui.fillList($('profile'), rows)
  }

  onSubmit(
    $('register-form'),
    function (fields) {
      if (!fields.username && !fields.email) throw new Error(t('needAccount'))
      // By user name when one is given, then the e-mail is added to the account; else by e-mail.
      var registered = fields.username
        ? BaaS.auth.register({ username: fields.username, password: fields.password }).then(function (user) {
            return fields.email ? user.setEmail(fields.email) : user
          })
        : BaaS.auth.register({ email: fields.email, password: fields.password })
      return registered.then(refresh)
    },
    'registered',
  )

  onSubmit(
    $('login-form'),
    function (fields) {
      var by = fields.account.indexOf('@') >= 0 ? { email: fields.account } : { username: fields.account }
      by.password = fields.password
      return BaaS.auth.login(by).then(refresh)
    },
    'loggedIn',
  )

  $('send-code').addEventListener('click', function () {
    var phone = $('sms-form').phone.value.trim()
    $('dev-code').hidden = true
    run($('send-code'), function () {
      return BaaS.sendSmsCode({ phone: phone }).then(function () {
        return showDevCode(phone)
      })
    })
  })

  /**
   * Development only: the example app's dev outbox (absent in production) answers the last code
   * sent to a phone; shown here in place of a real SMS. Answers the status message key.
   */
  function showDevCode(phone) {
    return fetch('/dev/outbox?to=' + encodeURIComponent(phone), { cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.json() : null
      })
      .catch(function () {
        return null
      })
      .then(function (entry) {
        if (!entry || !entry.code) return 'codeInConsole'
        $('dev-code-value').textContent = entry.code
        $('dev-code').hidden = false
        return 'codeSent'
      })
  }

  onSubmit(
    $('sms-form'),
    function (fields) {
      return BaaS.auth.loginWithSmsVerificationCode(fields.phone, fields.code).then(function () {
        $('dev-code').hidden = true
        return refresh()
      })
    },
    'loggedIn',
  )

  onSubmit(
    $('profile-form'),
    function (fields) {
      var changes = ui.profileFormValues(fields)
      if (changes.score === null) delete changes.score
      return BaaS.auth
        .getCurrentUser()
        .then(function (user) {
          return user.set(changes).update()
        })
        .then(refresh)
    },
    'profileSaved',
  )

  onSubmit(
    $('password-form'),
    function (fields, form) {
      return BaaS.auth
        .getCurrentUser()
        .then(function (user) {
          // An account made by SMS has no password yet: the new one alone sets it.
          return user.updatePassword({ password: fields.password || undefined, newPassword: fields.newPassword })
        })
        .then(function () {
          form.reset()
        })
    },
    'passwordChanged',
  )

  /** Reads which providers the app has and shows a sign-in and a link button for each. */
  function loadProviders() {
    return fetch('/identity-providers.json', { cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.json() : { providers: [] }
      })
      .then(function (answer) {
        providers = answer.providers || []
        renderProviders()
      })
  }

  function renderProviders() {
    $('idp-login-card').hidden = providers.length === 0
    $('idp-link-card').hidden = providers.length === 0
    providerButtons(
      $('idp-login'),
      'signInWith',
      function (provider) {
        return BaaS.auth.loginWithThirdParty(provider, AUTH_PAGE, { mode: $('idp-mode').value }).then(refresh)
      },
      'loggedIn',
    )
    providerButtons(
      $('idp-link'),
      'linkWith',
      function (provider) {
        return BaaS.auth
          .getCurrentUser()
          .then(function (user) {
            return user.linkThirdParty(provider, AUTH_PAGE, { mode: 'popup-window' })
          })
          .then(refresh)
      },
      'linked',
    )
  }

  /** A button per provider in `container`, labelled `labelKey`, running `action(provider)` as a flow. */
  function providerButtons(container, labelKey, action, doneKey) {
    container.textContent = ''
    providers.forEach(function (provider) {
      var button = document.createElement('button')
      button.type = 'button'
      button.dataset.provider = provider
      button.textContent = ui.format(labelKey, { provider: provider })
      button.addEventListener('click', function () {
        run(
          button,
          function () {
            return action(provider)
          },
          doneKey,
        )
      })
      container.append(button)
    })
  }

  /**
   * Shows the page for the user; back from a sign-in in redirect mode (the SDK's `auth-result` in
   * the URL), first takes its result from BaaS.auth.getRedirectResult().
   */
  function start() {
    if (!new URL(location.href).searchParams.has('auth-result')) return refresh()
    ui.showStatus('loading')
    return BaaS.auth.getRedirectResult().then(function (result) {
      if (result.status !== 'success') throw new Error(result.error)
      return refresh().then(function () {
        ui.showStatus(result.action === 'associate' ? 'linked' : 'loggedIn')
      })
    })
  }

  $('logout').addEventListener('click', function () {
    run(
      $('logout'),
      function () {
        return BaaS.auth.logout().then(
          function () {
            render(null)
          },
          function (error) {
            // The server no longer knows the session: it is over anyway.
            return BaaS.clearSession().then(function () {
              render(null)
              if (error.code !== 401) throw error
            })
          },
        )
      },
      'loggedOut',
    )
  })

  ui.languageSwitch(function () {
    if (currentUser) renderProfile(currentUser)
    renderProviders()
  })
  start().catch(ui.showError)
  loadProviders().catch(ui.showError)
})()
