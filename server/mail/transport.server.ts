import nodemailer from "nodemailer";

export interface MailTransport {
  send(message: { to: string; subject: string; text: string; html: string }): Promise<void>;
}

/**
 * SMTP through nodemailer. The timeouts are short because a stuck mail server only delays the
 * queue's worker, never a request, and the worker retries soon.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      await transporter.sendMail({ ...message, from });
    },
  };
}
