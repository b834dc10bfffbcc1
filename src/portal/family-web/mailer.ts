// Outgoing mail of the family pages. With an SMTP address (PORTAL_SMTP_URL, e.g.
// smtps://user:password@smtp.example.fr:465) mails go through nodemailer's SMTP transport;
// without one (the demo, the tests) each mail is composed the same way and written as an .eml
// file in a folder, where a person or a test can open it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** Where mails land, for logs: "SMTP smtp.example.fr" or the folder. */
  describe: string;
}

export interface MailerOptions {
  smtpUrl?: string | undefined;
  folder: string;
  from: string;
}

export function createMailer(opts: MailerOptions): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl);
    const host = (() => {
      try {
        return new URL(opts.smtpUrl).hostname;
      } catch {
        return 'SMTP';
      }
    })();
    return {
      describe: `SMTP ${host}`,
      async send(mail) {
        await transport.sendMail({ from: opts.from, ...mail });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  let seq = 0;
  return {
    describe: opts.folder,
    async send(mail) {
      const info = await transport.sendMail({ from: opts.from, ...mail });
      mkdirSync(opts.folder, { recursive: true });
      seq++;
      // Sortable names, unique within the process and across restarts.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${String(seq).padStart(4, '0')}.eml`;
      writeFileSync(path.join(opts.folder, name), info.message as Buffer);
    },
  };
}
