export { WeiboProvider, type WeiboProviderOptions } from './weibo-provider.js'
