// The admin page: an operator signs in to the admin API, finds users (filters, sort, pages, total
// count), edits one user's profile and sign-in data, suspends, resumes or deletes the user, ends
// the user's sessions, and signs out. Calls go through admin-api.js.
;(function () {
  var t = window.demoI18n.t
  var ui = window.demoUi
  var api = window.adminApi
  var $ = ui.$
  var onSubmit = ui.onSubmit

  /** The signed-in admin's profile, or null. */
  var admin = null
  /** The page of users shown (`{meta, objects}`) and the path it came from, for a reload after an edit. */
  var list = null
  var listPath = ''
  /** The user open in the two edit forms, as the server last answered it, and the user's sessions. */
  var opened = null
  var openedSessions = []

  var COLUMNS = ['id', 'username', 'nickname', 'gender', 'email', 'phone', 'score', 'createdAt', 'state']
  /** Account form field -> the user object's field. */
  var ACCOUNT_FIELDS = { username: '_username', email: '_email', phone: '_phone' }

  // Signing in and out

  /** How the sign-in names the account: an e-mail has an @, a phone is digits (with an optional +). */
  function accountKind(account) {
    if (account.indexOf('@') >= 0) return 'email'
    return /^\+?\d{6,15}$/.test(account) ? 'phone' : 'username'
  }

  onSubmit(
    $('login-form'),
    function (fields, form) {
      var credentials = { password: form.password.value }
      credentials[accountKind(fields.account)] = fields.account
      return api.login(credentials).then(function (profile) {
        showAdmin(profile)
        return search()
      })
    },
    'loggedIn',
  )

  $('logout').addEventListener('click', function () {
    ui.run(
      $('logout'),
      function () {
        return api.logout().then(function () {
          showAdmin(null)
        })
      },
      'loggedOut',
    )
  })

  /** Shows the page for the admin, or the sign-in form; signed out, no user data stays on the page. */
  function showAdmin(profile) {
    admin = profile
    $('signed-in').hidden = !profile
    $('signed-out').hidden = !!profile
    $('login-form').reset()
    if (profile) return renderAdmin()
    list = null
    listPath = ''
    opened = null
    openedSessions = []
    renderList()
    renderEditors()
  }

  function renderAdmin() {
    var rows = [
      ['adminName', admin.nickname],
      ['email', admin.email],
      ['id', admin.user_id],
    ]
    ui.fillList($('admin-profile'), rows)
  }

  // Finding users

  /** The filter form as list parameters (the admin API's field filters, plus `where` as typed). */
  function listParams() {
    var fields = ui.formFields($('filter-form'))
    var params = { order_by: fields.order, limit: fields.limit || '10', return_total_count: '1' }
    if (fields.nickname) params.nickname__contains = fields.nickname
    if (fields.gender) params.gender = fields.gender
    // From the start of that day, in the operator's time zone.
    if (fields.since) params.created_at__gte = String(Math.floor(new Date(fields.since + 'T00:00:00').getTime() / 1000))
    if (fields.where) params.where = fields.where
    return params
  }

  function search() {
    return loadPage(api.listPath(listParams()))
  }

  function loadPage(path) {
    return api.page(path).then(function (answer) {
      list = answer
      listPath = path
      renderList()
    })
  }

  function renderList() {
    var body = $('users').tBodies[0]
    body.textContent = ''
    var users = list ? list.objects : []
    users.forEach(function (user) {
      var row = body.insertRow()
      row.dataset.id = user.id
      if (opened && opened.id === user.id) row.className = 'opened'
      var values = [
        user.id,
        user._username,
        user.nickname,
        t('gender' + (user.gender || 0)),
        user._email,
        user._phone,
        user.score,
        user.created_at && ui.formatTime(user.created_at),
      ]
      values.forEach(function (value, i) {
        var cell = row.insertCell()
        cell.textContent = ui.show(value)
        cell.dataset.field = COLUMNS[i]
      })
      var state = row.insertCell()
      state.dataset.field = 'state'
      state.append(stateBadge(user))
      var open = document.createElement('button')
      open.type = 'button'
      open.className = 'open'
      open.textContent = t('open')
      row.insertCell().append(open)
    })
    var empty = list && users.length === 0 && body.insertRow().insertCell()
    if (empty) {
      empty.colSpan = COLUMNS.length + 1
      empty.textContent = t('noUsers')
    }
    var meta = list && list.meta
    $('total').textContent = meta && meta.total_count !== undefined ? ui.format('totalCount', { n: meta.total_count }) : ''
    $('page-range').textContent = users.length ? ui.format('pageRange', { from: meta.offset + 1, to: meta.offset + users.length }) : ''
    renderPager()
  }

  /** "Suspended" as a badge, or "Active". */
  function stateBadge(user) {
    var badge = document.createElement('span')
    badge.textContent = t(user._suspended ? 'suspendedBadge' : 'active')
    if (user._suspended) badge.className = 'badge suspended'
    return badge
  }

  /** The pager follows the list's own `meta.previous` / `meta.next` links. */
  function renderPager() {
    var meta = list && list.meta
    $('previous').disabled = !(meta && meta.previous)
    $('next').disabled = !(meta && meta.next)
  }

  onSubmit($('filter-form'), search, 'listed')

  ;['previous', 'next'].forEach(function (direction) {
    $(direction).addEventListener('click', function () {
      ui.run(
        $(direction),
        function () {
          return loadPage(list.meta[direction])
        },
        'listed',
      ).then(renderPager) // `run` enables the button again, also on the last page
    })
  })

  $('users').tBodies[0].addEventListener('click', function (event) {
    var button = event.target.closest('button.open')
    if (!button) return
    var id = button.closest('tr').dataset.id
    ui.run(
      button,
      function () {
        return openUser(id).then(function () {
          renderList() // marks the open row
          $('profile-form').scrollIntoView({ block: 'nearest' })
        })
      },
      'userLoaded',
    )
  })

  /** Reads the user and the user's sessions, and shows them in the edit forms and the account card. */
  function openUser(id) {
    return Promise.all([api.user(id), api.sessions(id)]).then(function (answers) {
      opened = answers[0]
      openedSessions = answers[1].objects
      renderEditors()
    })
  }

  // Editing one user

  function renderEditors() {
    $('profile-form').hidden = $('account-form').hidden = $('lifecycle-card').hidden = !opened
    $('delete-user-confirm').hidden = true
    if (!opened) return
    document.querySelectorAll('.editing-id').forEach(function (element) {
      element.textContent = '#' + opened.id + (opened._username ? ' ' + opened._username : '')
    })
    ui.fillProfileForm($('profile-form'), opened)
    var account = $('account-form')
    Object.keys(ACCOUNT_FIELDS).forEach(function (name) {
      account[name].value = opened[ACCOUNT_FIELDS[name]] || ''
    })
    account.new_password.value = ''
    renderLifecycle()
  }

  /** The open user's state, the suspend or resume button, and the sessions with an end button each. */
  function renderLifecycle() {
    $('user-state').textContent = ''
    $('user-state').append(stateBadge(opened))
    $('suspend').textContent = t(opened._suspended ? 'resumeUser' : 'suspendUser')
    $('delete-user-question').textContent = ui.format('deleteUserQuestion', { user: '#' + opened.id + (opened._username ? ' ' + opened._username : '') })
    var body = $('user-sessions').tBodies[0]
    body.textContent = ''
    openedSessions.forEach(function (session) {
      var row = body.insertRow()
      row.dataset.id = session.id
      var values = [session.client_id, ui.formatTime(session.created_at), ui.formatTime(session.last_used_at), session.ip, session.user_agent]
      values.forEach(function (value) {
        row.insertCell().textContent = ui.show(value)
      })
      row.insertCell().append(ui.button('end-session', 'endSession'))
    })
    var empty = openedSessions.length === 0 && body.insertRow().insertCell()
    if (empty) {
      empty.colSpan = 6
      empty.textContent = t('noSessions')
    }
  }

  /** The profile fields that differ from the opened user (v2.6 changes only what is sent). */
  function profileChanges(fields) {
    var values = ui.profileFormValues(fields)
    var changes = {}
    if (values.nickname !== (opened.nickname || '')) changes.nickname = values.nickname
    if (values.gender !== (opened.gender || 0)) changes.gender = values.gender
    if (JSON.stringify(values.tags) !== JSON.stringify(opened.tags || [])) changes.tags = values.tags
    if (values.score === null && opened.score != null) changes.$unset = { score: '' }
    else if (values.score !== null && values.score !== opened.score) changes.score = values.score
    return changes
  }

  /** The sign-in data that differs from the opened user; an emptied field is null (removed). */
  function accountChanges(fields, form) {
    var changes = {}
    Object.keys(ACCOUNT_FIELDS).forEach(function (name) {
      if (fields[name] !== (opened[ACCOUNT_FIELDS[name]] || '')) changes[name] = fields[name] || null
    })
    if (form.new_password.value) changes.new_password = form.new_password.value
    return changes
  }

  /** Sends `changes` unless there are none, then shows the user and the list as they are now. */
  function save(changes, send) {
    if (Object.keys(changes).length === 0) return Promise.resolve('nothingChanged')
    return send(opened.id, changes).then(reopen)
  }

  /** Shows the open user and the list as they are now. */
  function reopen() {
    return openUser(opened.id).then(function () {
      return loadPage(listPath)
    })
  }

  onSubmit(
    $('profile-form'),
    function (fields) {
      return save(profileChanges(fields), api.updateProfile)
    },
    'profileSaved',
  )

  onSubmit(
    $('account-form'),
    function (fields, form) {
      return save(accountChanges(fields, form), api.updateAccount)
    },
    'accountSaved',
  )

  // Suspending, deleting, ending sessions

  $('suspend').addEventListener('click', function () {
    var suspend = !opened._suspended
    ui.run(
      $('suspend'),
      function () {
        return api.setSuspended(opened.id, suspend).then(reopen)
      },
      suspend ? 'userSuspended' : 'userResumed',
    )
  })

  // Deleting asks first, naming the user.
  $('delete-user').addEventListener('click', function () {
    ui.clearError()
    ui.showStatus('')
    $('delete-user-confirm').hidden = false
    $('delete-user-yes').focus()
  })

  $('delete-user-cancel').addEventListener('click', function () {
    $('delete-user-confirm').hidden = true
  })

  $('delete-user-yes').addEventListener('click', function () {
    ui.run(
      $('delete-user-yes'),
      function () {
        return api.deleteUser(opened.id).then(function () {
          opened = null
          openedSessions = []
          renderEditors()
          return loadPage(listPath)
        })
      },
      'userDeleted',
    )
  })

  $('user-sessions').tBodies[0].addEventListener('click', function (event) {
    var button = event.target.closest('button.end-session')
    if (!button) return
    var sessionId = button.closest('tr').dataset.id
    ui.run(
      button,
      function () {
        return api.endSession(opened.id, sessionId).then(function () {
          return openUser(opened.id)
        })
      },
      'sessionEnded',
    )
  })

  // Start

  api.whenSignedOut(function () {
    showAdmin(null)
  })

  ui.languageSwitch(function () {
    if (admin) renderAdmin()
    renderList()
    if (opened) renderLifecycle()
  })

  api
    .me()
    .then(
      function (profile) {
        showAdmin(profile)
        return search()
      },
      function (error) {
        showAdmin(null)
        if (error.status !== 401) throw error // 401: nobody signed in yet
      },
    )
    .catch(ui.showError)
})()
