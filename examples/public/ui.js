// What the demo page and the admin page share: the status line and error box (both follow the
// language switch), forms that run one action at a time, and the language switch itself.
;(function () {
  var i18n = window.demoI18n
  var t = i18n.t
  /** The last status message key, re-rendered on a language switch. */
  var statusKey = ''

  function $(id) {
    return document.getElementById(id)
  }

  function showStatus(key) {
    statusKey = key
    $('status').textContent = key ? t(key) : ''
  }

  /** Shows "Error: <the error's message>"; the pages make messages start with the HTTP status. */
  function showError(error) {
    showStatus('')
    $('error').hidden = false
    $('error').textContent = t('error') + ': ' + ((error && error.message) || String(error))
  }

  function clearError() {
    $('error').hidden = true
    $('error').textContent = ''
  }

  /**
   * Runs one flow: the button is disabled meanwhile; success shows the message key the action
   * answers, else `doneKey`; failure shows the error.
   */
  function run(button, action, doneKey) {
    clearError()
    showStatus('loading')
    button.disabled = true
    return Promise.resolve()
      .then(action)
      .then(
        function (key) {
          showStatus(typeof key === 'string' ? key : doneKey)
        },
        function (error) {
          showError(error)
        },
      )
      .then(function () {
        button.disabled = false
      })
  }

  /** A form's fields by name, as trimmed strings. */
  function formFields(form) {
    var fields = {}
    new FormData(form).forEach(function (value, name) {
      fields[name] = String(value).trim()
    })
    return fields
  }

  /** Submitting `form` runs `action(fields, form)` as a flow (see `run`). */
  function onSubmit(form, action, doneKey) {
    form.addEventListener('submit', function (event) {
      event.preventDefault()
      var fields = formFields(form)
      run(
        form.querySelector('button[type=submit]'),
        function () {
          return action(fields, form)
        },
        doneKey,
      )
    })
  }

  /**
   * Applies the remembered (or the browser's) language and wires the #lang switch: a switch
   * re-renders every label and the status line, then calls `onSwitch` for what a page draws itself.
   */
  function languageSwitch(onSwitch) {
    i18n.apply(i18n.initial())
    $('lang').value = i18n.current()
    $('lang').addEventListener('change', function (event) {
      i18n.apply(event.target.value)
      showStatus(statusKey)
      onSwitch()
    })
  }

  /** A `<button type="button">` of class `className`, labelled with the text of `key`. */
  function button(className, key) {
    var element = document.createElement('button')
    element.type = 'button'
    element.className = className
    element.textContent = t(key)
    return element
  }

  /** A value as text; nothing (undefined, null, '') as a dash. */
  function show(value) {
    return value === undefined || value === null || value === '' ? t('none') : String(value)
  }

  /** Fills a <dl> with `[label key, value]` rows; each <dd> carries its key as data-field. */
  function fillList(dl, rows) {
    dl.textContent = ''
    rows.forEach(function (row) {
      var term = document.createElement('dt')
      term.textContent = t(row[0])
      var value = document.createElement('dd')
      value.textContent = show(row[1])
      value.dataset.field = row[0]
      dl.append(term, value)
    })
  }

  /** Shows a user's nickname, gender, `score` and `tags` in a profile form (demo and admin page). */
  function fillProfileForm(form, user) {
    form.nickname.value = user.nickname || ''
    form.gender.value = String(user.gender || 0)
    form.score.value = user.score == null ? '' : String(user.score)
    form.tags.value = (user.tags || []).join(', ')
  }

  /** A profile form's fields as typed values; an empty score is null, tags split at commas (also '，'). */
  function profileFormValues(fields) {
    return {
      nickname: fields.nickname,
      gender: Number(fields.gender),
      score: fields.score === '' ? null : Number(fields.score),
      tags: fields.tags
        .split(/[,，]/)
        .map(function (tag) {
          return tag.trim()
        })
        .filter(Boolean),
    }
  }

  /** The text of `key` with its `{name}` marks filled from `values`. */
  function format(key, values) {
    return t(key).replace(/\{(\w+)\}/g, function (mark, name) {
      return name in values ? String(values[name]) : mark
    })
  }

  /** A Unix time as a date and time in the page's language. */
  function formatTime(seconds) {
    return new Date(seconds * 1000).toLocaleString(i18n.current() === 'zh' ? 'zh-CN' : 'en')
  }

  window.demoUi = {
    $: $,
    showStatus: showStatus,
    showError: showError,
    clearError: clearError,
    run: run,
    formFields: formFields,
    button: button,
    show: show,
    fillList: fillList,
    onSubmit: onSubmit,
    fillProfileForm: fillProfileForm,
    profileFormValues: profileFormValues,
    format: format,
    languageSwitch: languageSwitch,
    formatTime: formatTime,
  }
})()
