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
  /** The account's lifecycle routes of the client API (no SDK method calls them: BaaS.request does). */
  var SESSIONS = '/hserve/v2.0/user/sessions/'
  var EXPORT = '/hserve/v2.0/user/export/'
  var DESTROY = '/hserve/v2.0/user/account/destroy/'
  /** This account's sessions as the server last listed them. */
  var devices = []

  BaaS.init('demo', { host: location.origin })

  // The SDK rejects with an Error whose message is "<HTTP status>: <the server's error_msg>",
  // which ui.showError shows as it is.

  /** Reads the signed-in user again and shows the page for it (or the sign-in forms). */
  function refresh() {
    return BaaS.auth.getCurrentUser().then(
      function (user) {
        render(user.toJSON())
        return loadDevices()
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
    ;(user ? ['register-form', 'login-form', 'sms-form'] : ['password-form', 'delete-form']).forEach(function (id) {
      $(id).reset()
    })
    if (!user) {
      devices = []
      renderDevices()
      closeDeleteForm()
      return
    }
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
        return showDevCode(phone, 'dev-code')
      })
    })
  })

  /**
   * Development only: the example app's dev outbox (absent in production) answers the last code
   * sent to a phone; shown in the element `id` (its value in `<id>-value`) in place of a real SMS.
   * Answers the status message key.
   */
  function showDevCode(phone, id) {
    return fetch('/dev/outbox?to=' + encodeURIComponent(phone), { cache: 'no-store' })
      .then(function (response) {
        return response.ok ? response.json() : null
      })
      .catch(function () {
        return null
      })
      .then(function (entry) {
        if (!entry || !entry.code) return 'codeInConsole'
        $(id + '-value').textContent = entry.code
        $(id).hidden = false
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

  /** Ends this session and shows the sign-in forms. */
  function logOut() {
    return BaaS.auth.logout().then(
      function () {
        render(null)
      },
      function (error) {
        // The server no longer knows the session: it is over anyway.
        return signedOut().then(function () {
          if (error.code !== 401) throw error
        })
      },
    )
  }

  $('logout').addEventListener('click', function () {
    run($('logout'), logOut, 'loggedOut')
  })

  // The account's lifecycle: devices (sessions), the data export, deletion

  /** One client API call through the SDK (its token and client id); resolves with the answer's body. */
  function request(method, path, data) {
    return BaaS.request({ url: path, method: method, data: data }).then(function (response) {
      return response.data
    })
  }

  /** Forgets the token and shows the sign-in forms. */
  function signedOut() {
    return BaaS.clearSession().then(function () {
      render(null)
    })
  }

  function loadDevices() {
    return request('GET', SESSIONS).then(function (answer) {
      devices = answer.objects
      renderDevices()
    })
  }

  /** A list item per session (newest first): this device is marked, any other has an end button. */
  function renderDevices() {
    var list = $('devices')
    list.textContent = ''
    devices.forEach(function (session) {
      var item = document.createElement('li')
      item.dataset.id = session.id
      var dl = document.createElement('dl')
      ui.fillList(dl, [
        ['deviceClient', session.client_id],
        ['deviceSignedIn', ui.formatTime(session.created_at)],
        ['deviceLastUsed', ui.formatTime(session.last_used_at)],
        ['deviceIp', session.ip],
        ['deviceAgent', session.user_agent],
      ])
      item.append(dl)
      if (session.current) item.className = 'current'
      // This device is ended by signing out; any other by its own button.
      item.append(session.current ? thisDevice() : ui.button('end-session', 'endSession'))
      list.append(item)
    })
  }

  function thisDevice() {
    var mark = document.createElement('strong')
    mark.textContent = t('thisDevice')
    return mark
  }

  $('devices').addEventListener('click', function (event) {
    var button = event.target.closest('button.end-session')
    if (!button) return
    var id = button.closest('li').dataset.id
    run(
      button,
      function () {
        return request('DELETE', SESSIONS + encodeURIComponent(id) + '/').then(loadDevices)
      },
      'sessionEnded',
    )
  })

  $('sign-out-others').addEventListener('click', function () {
    run(
      $('sign-out-others'),
      function () {
        return request('POST', SESSIONS + 'destroy-others/').then(loadDevices)
      },
      'othersSignedOut',
    )
  })

  // The other sessions first: once this one is over, the token could not end them.
  $('sign-out-everywhere').addEventListener('click', function () {
    run(
      $('sign-out-everywhere'),
      function () {
        return request('POST', SESSIONS + 'destroy-others/').then(logOut)
      },
      'signedOutEverywhere',
    )
  })

  /** Saves the export as a file, under the name the server gives (Content-Disposition). */
  $('export').addEventListener('click', function () {
    run(
      $('export'),
      function () {
        return BaaS.request({ url: EXPORT, method: 'GET' }).then(function (response) {
          var disposition = (response.headers && response.headers['content-disposition']) || ''
          var name = /filename="?([^";]+)"?/.exec(disposition)
          var blob = new Blob([JSON.stringify(response.data, null, 2)], { type: 'application/json' })
          var link = document.createElement('a')
          link.href = URL.createObjectURL(blob)
          link.download = name ? name[1] : 'my-data.json'
          document.body.append(link)
          link.click()
          link.remove()
          setTimeout(function () {
            URL.revokeObjectURL(link.href)
          }, 1000)
        })
      },
      'dataExported',
    )
  })

  /**
   * The proofs the account can give for its deletion, from what the user object shows (it does not
   * say whether there is a password): a password when it has an identifier to sign in with, a code
   * when the phone is verified, a mailed link when only the e-mail is verified, and else none (the
   * recent sign-in is the proof). The server decides; its refusal says what is missing.
   */
  function deleteProofs(user) {
    var code = !!(user._phone && user._phone_verified)
    var password = !!(user._username || user._email || user._phone)
    var email = !code && !!(user._email && user._email_verified)
    return { password: password, code: code, email: email, none: !password && !code && !email }
  }

  $('delete-start').addEventListener('click', function () {
    ui.clearError()
    var proofs = deleteProofs(currentUser)
    $('delete-password').hidden = !proofs.password
    $('delete-code').hidden = !proofs.code
    $('delete-email').hidden = !proofs.email
    $('delete-recent').hidden = !proofs.none
    $('delete-dev-code').hidden = true
    $('delete-form').hidden = false
    $('delete-start').hidden = true
    ui.showStatus('deleteAsked')
    $('delete-form').scrollIntoView({ block: 'nearest' })
  })

  function closeDeleteForm() {
    $('delete-form').reset()
    $('delete-form').hidden = true
    $('delete-start').hidden = false
  }

  $('delete-cancel').addEventListener('click', function () {
    closeDeleteForm()
    ui.showStatus('')
  })

  $('delete-send-code').addEventListener('click', function () {
    var phone = currentUser._phone
    $('delete-dev-code').hidden = true
    run($('delete-send-code'), function () {
      return request('POST', DESTROY + 'code/').then(function () {
        return showDevCode(phone, 'delete-dev-code')
      })
    })
  })

  $('delete-send-link').addEventListener('click', function () {
    run(
      $('delete-send-link'),
      function () {
        return request('POST', DESTROY + 'email/')
      },
      'deleteLinkSent',
    )
  })

  onSubmit(
    $('delete-form'),
    function (fields, form) {
      // A code when one was typed, else the password (sent as typed), else no proof.
      var proof = fields.code ? { code: fields.code } : form.password.value ? { password: form.password.value } : {}
      return request('POST', DESTROY, proof).then(signedOut)
    },
    'accountDeleted',
  )

  ui.languageSwitch(function () {
    if (currentUser) renderProfile(currentUser)
    renderDevices()
    renderProviders()
  })
  start().catch(ui.showError)
  loadProviders().catch(ui.showError)
})()
