export { ConsoleSmsSender, type ConsoleSmsSenderOptions } from './console-sms-sender.js'
export { ConsoleMailer, type ConsoleMailerOptions } from './console-mailer.js'
