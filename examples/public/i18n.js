// Every string of the demo page, in English and Chinese. Elements with data-i18n="key" (the <title>
// too) get the text of that key; the scripts use demoI18n.t(key) for messages. Another page adds
// its own strings with demoI18n.add({en: {...}, zh: {...}}) before the first apply.
;(function () {
  var STRINGS = {
    en: {
      title: 'express-user-router demo',
      lead: 'This page uses the official MinApp web SDK against this server.',
      toAdmin: 'Admin page',
      language: 'Language',
      register: 'Register',
      username: 'User name',
      emailOptional: 'E-mail (optional)',
      password: 'Password',
      registerButton: 'Register',
      loginPassword: 'Log in with a password',
      usernameOrEmail: 'User name or e-mail',
      loginButton: 'Log in',
      loginSms: 'Log in with an SMS code',
      phone: 'Mobile phone',
      sendCode: 'Send code',
      devCode: 'Development only, the code sent:',
      code: 'Code',
      loginCodeButton: 'Log in with the code',
      profile: 'Your profile',
      logout: 'Log out',
      editProfile: 'Edit the profile',
      nickname: 'Nickname',
      gender: 'Gender',
      gender0: 'Not given',
      gender1: 'Male',
      gender2: 'Female',
      score: 'Score',
      tags: 'Tags',
      tagsInput: 'Tags (comma-separated)',
      saveProfile: 'Save the profile',
      changePassword: 'Change the password',
      currentPassword: 'Current password',
      currentPasswordHint: 'Leave it empty if the account has no password yet (signed up by SMS).',
      newPassword: 'New password',
      changePasswordButton: 'Change the password',
      id: 'User id',
      email: 'E-mail',
      createdAt: 'Registered',
      verified: 'verified',
      unverified: 'not verified',
      none: '—',
      loading: 'Working…',
      registered: 'Registered and signed in.',
      loggedIn: 'Signed in.',
      loggedOut: 'Signed out.',
      codeSent: 'Code sent.',
      codeInConsole: 'Code sent. In development the server console prints it.',
      profileSaved: 'Profile saved.',
      passwordChanged: 'Password changed.',
      needAccount: 'Give a user name or an e-mail.',
      thirdParty: 'Sign in with another account',
      idpMode: 'Sign in',
      modePopupWindow: 'in a pop-up window',
      modePopupIframe: 'in a frame on this page',
      modeRedirect: 'in this tab',
      signInWith: 'Sign in with {provider}',
      linkAccounts: 'Other accounts',
      linkHint: 'Link an account to sign in with it too.',
      linkWith: 'Link {provider}',
      providers: 'Linked accounts',
      linked: 'Account linked.',
      devices: 'Your devices',
      deviceClient: 'App',
      deviceSignedIn: 'Signed in',
      deviceLastUsed: 'Last used',
      deviceIp: 'IP address',
      deviceAgent: 'Browser or app',
      thisDevice: 'This device',
      endSession: 'End',
      signOutOthers: 'Sign out everywhere else',
      signOutEverywhere: 'Sign out everywhere',
      yourData: 'Your data and account',
      exportHint: 'Download what this app keeps about you, as a JSON file.',
      exportData: 'Download my data',
      deleteAccount: 'Delete my account',
      deleteWarning: 'Deleting the account removes your profile and signs out every device; it cannot be undone. Confirm with one of the proofs below.',
      deletePassword: 'Your password',
      deleteSendCode: 'Send a code to my phone',
      deleteEmailHint: 'No password? A link mailed to your verified address confirms the deletion.',
      deleteSendLink: 'Mail me a link',
      deleteRecentHint: 'This account has no password and no contact: your recent sign-in is the proof. Signed in long ago? Sign out and in again first.',
      deleteConfirm: 'Delete my account for good',
      cancel: 'Cancel',
      sessionEnded: 'Session ended.',
      othersSignedOut: 'Signed out everywhere else.',
      signedOutEverywhere: 'Signed out everywhere.',
      dataExported: 'Your data was downloaded.',
      deleteAsked: 'Confirm below to delete the account.',
      deleteLinkSent: 'A link was mailed to you: open it to delete the account.',
      accountDeleted: 'Your account was deleted.',
      error: 'Error',
    },
    zh: {
      title: 'express-user-router 演示',
      lead: '本页用知晓云官方 Web SDK 访问这台服务器。',
      toAdmin: '管理后台',
      language: '语言',
      register: '注册',
      username: '用户名',
      emailOptional: '邮箱（可选）',
      password: '密码',
      registerButton: '注册',
      loginPassword: '密码登录',
      usernameOrEmail: '用户名或邮箱',
      loginButton: '登录',
      loginSms: '短信验证码登录',
      phone: '手机号',
      sendCode: '发送验证码',
      devCode: '仅限开发环境，已发送的验证码：',
      code: '验证码',
      loginCodeButton: '用验证码登录',
      profile: '我的资料',
      logout: '退出登录',
      editProfile: '编辑资料',
      nickname: '昵称',
      gender: '性别',
      gender0: '未填写',
      gender1: '男',
      gender2: '女',
      score: '积分',
      tags: '标签',
      tagsInput: '标签（逗号分隔）',
      saveProfile: '保存资料',
      changePassword: '修改密码',
      currentPassword: '当前密码',
      currentPasswordHint: '账号还没有密码（短信注册）时留空。',
      newPassword: '新密码',
      changePasswordButton: '修改密码',
      id: '用户 ID',
      email: '邮箱',
      createdAt: '注册时间',
      verified: '已验证',
      unverified: '未验证',
      none: '—',
      loading: '处理中…',
      registered: '注册成功，已登录。',
      loggedIn: '登录成功。',
      loggedOut: '已退出登录。',
      codeSent: '验证码已发送。',
      codeInConsole: '验证码已发送。开发环境下服务器控制台会打印它。',
      profileSaved: '资料已保存。',
      passwordChanged: '密码已修改。',
      needAccount: '请填写用户名或邮箱。',
      thirdParty: '使用其他账号登录',
      idpMode: '登录方式',
      modePopupWindow: '弹出窗口',
      modePopupIframe: '本页浮层',
      modeRedirect: '当前标签页跳转',
      signInWith: '用 {provider} 登录',
      linkAccounts: '其他账号',
      linkHint: '关联后也可以用该账号登录。',
      linkWith: '关联 {provider}',
      providers: '已关联账号',
      linked: '账号已关联。',
      devices: '我的设备',
      deviceClient: '应用',
      deviceSignedIn: '登录时间',
      deviceLastUsed: '最近使用',
      deviceIp: 'IP 地址',
      deviceAgent: '浏览器或应用',
      thisDevice: '本设备',
      endSession: '退出该设备',
      signOutOthers: '退出其他所有设备',
      signOutEverywhere: '退出所有设备',
      yourData: '我的数据与账号',
      exportHint: '以 JSON 文件下载本应用保存的关于你的数据。',
      exportData: '下载我的数据',
      deleteAccount: '注销账号',
      deleteWarning: '注销账号会删除你的资料并让所有设备退出登录，且无法恢复。请用下面的一种方式确认。',
      deletePassword: '你的密码',
      deleteSendCode: '向我的手机发送验证码',
      deleteEmailHint: '没有密码？发送到你已验证邮箱的链接可以确认注销。',
      deleteSendLink: '给我发送链接',
      deleteRecentHint: '该账号没有密码和联系方式，以你最近的登录作为确认。登录已久？请先退出再重新登录。',
      deleteConfirm: '永久注销账号',
      cancel: '取消',
      sessionEnded: '该设备已退出登录。',
      othersSignedOut: '其他所有设备已退出登录。',
      signedOutEverywhere: '所有设备已退出登录。',
      dataExported: '数据已下载。',
      deleteAsked: '请在下方确认注销账号。',
      deleteLinkSent: '链接已发送到你的邮箱，打开它即可注销账号。',
      accountDeleted: '账号已注销。',
      error: '错误',
    },
  }
  var STORAGE_KEY = 'demo-language'
  var current = 'en'

  function t(key) {
    return STRINGS[current][key] || STRINGS.en[key] || key
  }

  /** Sets the language of every data-i18n element and of <html lang>; remembers the choice. */
  function apply(language) {
    current = STRINGS[language] ? language : 'en'
    document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en'
    document.querySelectorAll('[data-i18n]').forEach(function (element) {
      element.textContent = t(element.getAttribute('data-i18n'))
    })
    try {
      localStorage.setItem(STORAGE_KEY, current)
    } catch (_) {}
  }

  /** The remembered choice, else the browser's language. */
  function initial() {
    var saved = null
    try {
      saved = localStorage.getItem(STORAGE_KEY)
    } catch (_) {}
    if (saved && STRINGS[saved]) return saved
    return /^zh\b/i.test(navigator.language || '') ? 'zh' : 'en'
  }

  /** Merges more strings (another page's) into the dictionary. */
  function add(strings) {
    Object.keys(strings).forEach(function (language) {
      Object.assign(STRINGS[language], strings[language])
    })
  }

  window.demoI18n = {
    t: t,
    add: add,
    apply: apply,
    initial: initial,
    current: function () {
      return current
    },
  }
})()
