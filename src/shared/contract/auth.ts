import { z } from 'zod';
import { handler } from './define';
import type { Role } from '../roles';

export interface AgentView {
  id: number;
  login: string;
  displayName: string;
  role: Role;
}

export interface SessionView {
  token: string;
  agent: AgentView;
  posteCode: string;
  idleLockSeconds: number;
}

export const authContract = {
  'auth.login': handler(
    z.object({
      login: z.string().trim().min(1, { error: 'Saisissez votre identifiant.' }).max(64),
      password: z.string().min(1, { error: 'Saisissez votre mot de passe.' }).max(256),
    }),
    'public',
  ).returns<SessionView>(),
  /** Unlocks a session locked by inactivity; the same agent must type the password again. */
  'auth.unlock': handler(
    z.object({ password: z.string().min(1, { error: 'Saisissez votre mot de passe.' }).max(256) }),
    'public',
  ).returns<SessionView>(),
  'auth.logout': handler(z.object({}), 'public').returns<{ loggedOut: true }>(),
  'auth.me': handler(z.object({}), 'read').returns<SessionView>(),
};
