import { z } from 'zod';
import { handler } from './define';

export interface AppStatus {
  version: string;
  commune: { name: string; demo: boolean } | null;
  posteCode: string;
  schemaVersion: number;
}

export const systemContract = {
  'system.status': handler(z.object({}), 'public').returns<AppStatus>(),
};
