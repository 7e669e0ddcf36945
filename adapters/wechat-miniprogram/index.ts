/**
 * WeChat mini program sign-in: the `WechatMiniProgram` port on WeChat's server API, and the checks
 * of the signed and encrypted user data a mini program sends.
 *
 * What the MinApp SDK's mini program side (`wx.BaaS`) sends the client API, and reads back. Every
 * request carries `X-Hydrogen-Client-ID`, a JSON body, and `Authorization: Hydrogen-r1 <token>`
 * once signed in. `code` is a `wx.login` code (for the openid and the session key), `phone_code`
 * the `getPhoneNumber` button's code (base library 2.21.2 and later); both single use.
 *
 * - `POST /hserve/v2.5/idp/wechat/silent-login/ {code, create_user, login_with_unionid}`
 *   (`loginWithWechat()` without user data, `silentLogin`). Skipped by the SDK while it holds an
 *   unexpired token. A 2xx answer (201, as a password login) must hold `token`, `expires_in` (seconds), `openid`, `unionid`
 *   and `user_info` (an object with `id`: the SDK keeps `user_info.id` as the user id and builds
 *   the current user from `user_info`); anything else rejects with the status and
 *   `error_msg`/`message`. `login_with_unionid`: find the user by unionid first.
 * - `POST /hserve/v2.7/idp/wechat/phone-login/ {code, phone_code, encryptedData, iv, create_user}`
 *   (`loginWithWechat(phoneButtonEvent, {code, createUser})`, `handleUserInfo`); `code` defaults to
 *   '' in the SDK. Older base libraries use `/hserve/v2.5/idp/wechat/phone-login/` without
 *   `phone_code` (the phone is then in `encryptedData`). Same answer as silent-login.
 * - `POST /hserve/v2.4/idp/wechat/user-associate/ {code, associate_with_unionid}` (`linkWechat`,
 *   signed in): links the WeChat identity to the current user; any 2xx, body not read. With
 *   `autoLogin` the SDK signs in silently first, and after a 401 signs in again and retries once.
 * - `PUT /hserve/v2.7/idp/wechat/phone-verification/ {encryptedData, iv, phone_code, overwrite}`
 *   (`updatePhoneNumber`, signed in; v2.5 without `phone_code`): sets the user's phone (`overwrite:
 *   false` fails when one is set). 200 with the user (the current user record), 401 not signed in.
 * - `PUT /hserve/v2.6/idp/wechat/user/info/ {rawData, signature, encryptedData, iv, code,
 *   update_userprofile}` (`updateUserInfo`, signed in, base library 2.16.0 and later): `signature`
 *   is checked against `rawData` with the session key of `code`, the profile taken from it as
 *   `update_userprofile` says (`overwrite` | `setnx` | `false`). Older: `/hserve/v2.5/idp/wechat/
 *   user/info/` with the `wx.getUserInfo` fields (`nickName`, `avatarUrl`, `gender`, `country`,
 *   `province`, `city`, `language`) themselves. 200 with the user, 401 not signed in, 403 when the
 *   app does not let clients change the profile.
 * - `/hserve/v2.5/idp/wechat/authenticate/` is in the SDK's table but its mini program code never
 *   calls it; `wxDecryptData` posts `/hserve/v2.7/wechat/decrypt/:type/ {encryptedData, iv,
 *   phone_code?}` (`we-run-data`, `open-gid`, `phone-number`) and reads the decrypted body.
 *
 * The WeChat side: `codeToSession` (`sns/jscode2session`: openid, unionid when the mini program is
 * bound to an open platform account, session key), `phoneNumber` (`wxa/business/getuserphonenumber`),
 * `checkRawDataSignature` (`sha1(rawData + sessionKey)`), `decryptUserData` (AES-128-CBC with the
 * session key, watermark checked).
 */
export { WechatMiniProgramApi, type WechatMiniProgramApiOptions } from './wechat-miniprogram-api.js'
export { checkRawDataSignature, decryptUserData } from './user-data.js'
