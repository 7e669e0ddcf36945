// The admin API (/userve) as the admin page calls it: plain fetch on the page's own origin, so the
// browser sends the session cookie, and the Origin header it adds to a POST or PUT is the API's own
// host, which the router's cross-site check accepts.
;(function () {
  var t = window.demoI18n.t
  var format = window.demoUi.format
  var USERS = '/userve/v2.2/miniapp/user_profile/'
  var LOGIN = '/userve/v1/login/'
  var ACCOUNT = '/userve/v2.2/miniapp/user/account/'
  var SESSIONS = '/userve/v2.2/miniapp/user/sessions/'
  /** Called when the server says the session is gone (401 on anything but the sign-in). */
  var onSignedOut = function () {}

  /**
   * An Error whose message is "<status>: <readable message>": the reader's language for the codes
   * admin-i18n.js knows, else the server's `error_msg` (which names the field at fault).
   */
  function apiError(response, body) {
    var code = body && body.code
    var key = 'code_' + code
    var message = code && t(key) !== key ? t(key) : (body && body.error_msg) || response.statusText
    var wait = Number(response.headers.get('Retry-After'))
    if (wait > 0) message += ' (' + (wait < 120 ? format('retryAfter', { s: wait }) : format('retryAfterMinutes', { m: Math.ceil(wait / 60) })) + ')'
    var error = new Error(response.status + ': ' + message)
    error.status = response.status
    error.code = code
    return error
  }

  /** One JSON request; resolves with the answer's body, rejects with `apiError`. */
  function request(method, path, body) {
    var init = { method: method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } }
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(body)
    }
    return fetch(path, init).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null
        })
        .then(function (data) {
          if (response.ok) return data
          if (response.status === 401 && path !== LOGIN) onSignedOut()
          throw apiError(response, data)
        })
    })
  }

  window.adminApi = {
    /** `credentials`: `{username | email | phone, password}`; resolves with the admin's profile. */
    login: function (credentials) {
      return request('POST', LOGIN, credentials)
    },
    logout: function () {
      return request('POST', '/userve/v1/logout/')
    },
    /** The signed-in admin: `{avatar_link, email, nickname, user_id}`. */
    me: function () {
      return request('GET', '/userve/v1/user-profile/')
    },
    /** The list path for these query parameters (`where`, `nickname__contains`, `order_by`, ...). */
    listPath: function (params) {
      return USERS + '?' + new URLSearchParams(params)
    },
    /** One page `{meta, objects}` from `listPath` or the list's own `meta.next` / `meta.previous`. */
    page: function (path) {
      return request('GET', path)
    },
    user: function (id) {
      return request('GET', USERS + id + '/')
    },
    /** Changes only the fields in `changes` (v2.6); resolves with the whole user. */
    updateProfile: function (id, changes) {
      return request('PUT', '/userve/v2.6/miniapp/user_profile/' + id + '/', changes)
    },
    /** `{username, email, phone (null clears), new_password}`; resolves with the account data. */
    updateAccount: function (id, changes) {
      return request('PUT', ACCOUNT + id + '/', changes)
    },
    /** Suspends (true) or resumes (false) the user: a suspended user cannot sign in. */
    setSuspended: function (id, suspended) {
      return request('PUT', ACCOUNT + id + '/', { suspended: suspended })
    },
    /** Deletes the user for good (204). */
    deleteUser: function (id) {
      return request('DELETE', ACCOUNT + id + '/')
    },
    /** The user's sessions `{objects}`, newest first. */
    sessions: function (id) {
      return request('GET', SESSIONS + id + '/')
    },
    endSession: function (id, sessionId) {
      return request('DELETE', SESSIONS + id + '/' + encodeURIComponent(sessionId) + '/')
    },
    whenSignedOut: function (callback) {
      onSignedOut = callback
    },
  }
})()
