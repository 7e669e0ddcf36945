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
      run(form.querySelector('button[type=submit]'), function () {
        return action(fields, form)
      }, doneKey)
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
    onSubmit: onSubmit,
    languageSwitch: languageSwitch,
    formatTime: formatTime,
  }
})()
