/** The `identityProviders` option after checking, part of option parsing (`options.ts`). */
import type { IdentityConfig, IdentityProvidersOptions } from './options.js'

/** The checked providers, or undefined without the option; throws when a redirect provider takes the mini program's name. */
export function identityConfig(given: IdentityProvidersOptions | undefined): IdentityConfig | undefined {
  if (given?.wechatMiniProgram && given.providers && Object.hasOwn(given.providers, 'wechat')) {
    throw new TypeError(
      "createUserRouter: options.identityProviders.providers.wechat is the mini program's name (wechatMiniProgram): name the provider otherwise, e.g. oauth-wechat-web",
    )
  }
  return (
    given && {
      providers: given.providers ?? {},
      allowedCallbackOrigins: given.allowedCallbackOrigins ?? [],
      wechatMiniProgram: given.wechatMiniProgram,
    }
  )
}
