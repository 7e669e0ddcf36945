export { OidcProvider, type OidcProviderOptions } from './oidc-provider.js'
