export { WechatWebProvider, type WechatWebProviderOptions } from './wechat-web-provider.js'
