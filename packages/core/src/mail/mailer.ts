/**
 * The mail contract: one async function the app supplies, so Latchkey bundles no SMTP client
 * and runs on every host. Hand it to whatever the app already sends mail with (an HTTP API
 * such as Postmark's or Resend's, nodemailer, a queue).
 */

/** One message to send. */
export interface EmailMessage {
  /** The recipient's address. */
  readonly to: string;
  readonly subject: string;
  /** The plain-text body; every message has one. */
  readonly text: string;
  /** The HTML body, for clients that show it. */
  readonly html: string;
}

/**
 * Sends one message. It MUST resolve once the message is accepted for delivery and throw
 * when it is not; a mailed link holds a secret, so it MUST NOT log the body.
 */
export type SendEmail = (message: EmailMessage) => Promise<void>;

/** Options for `consoleMailer`. */
export interface ConsoleMailerOptions {
  /** The `From:` line printed. Default `"webmaster@localhost"` (Django's DEFAULT_FROM_EMAIL). */
  readonly from?: string;
  /** Where the message goes. Default `console.log`. */
  readonly print?: (text: string) => void;
}

/**
 * A `SendEmail` for development that prints each message instead of sending it, as Django's
 * console email backend does: headers, the text body, a rule. The printed links work, so
 * never use it where the console is shared: the mail is the secret.
 */
export function consoleMailer(options: ConsoleMailerOptions = {}): SendEmail {
  const from = options.from ?? 'webmaster@localhost';
  const print = options.print ?? ((text: string) => console.log(text));
  return async ({ to, subject, text }) => {
    print([`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, '', text, '-'.repeat(79)].join('\n'));
  };
}
