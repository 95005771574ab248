import nodemailer, { type Transporter } from 'nodemailer';
import { StewardError } from '../errors.js';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer | string; contentType: string }[];
}

/**
 * Outgoing e-mail through the SMTP server named by `--smtp-url` (`smtp://user:pass@host:587`,
 * `smtps://host:465`). Without one, sending fails with `smtp_not_configured`.
 */
export class Mailer {
  private transport: Transporter | undefined;

  constructor(
    private readonly smtpUrl: string | undefined,
    private readonly from: string,
  ) {}

  get configured(): boolean {
    return this.smtpUrl !== undefined;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.smtpUrl) throw new StewardError('smtp_not_configured');
    this.transport ??= nodemailer.createTransport(this.smtpUrl);
    await this.transport.sendMail({
      from: this.from,
      to: message.to.join(', '),
      subject: message.subject,
      text: message.text,
      ...(message.attachments ? { attachments: message.attachments } : {}),
    });
  }

  close(): void {
    this.transport?.close();
  }
}
