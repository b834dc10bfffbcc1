import type { z } from 'zod';
import { adminContract } from './admin';
import { authContract } from './auth';
import { bankContract } from './bank';
import { closuresContract } from './closures';
import { couponsContract } from './coupons';
import { depositsContract } from './deposits';
import { familiesContract } from './families';
import { importsContract } from './imports';
import { journalContract } from './journal';
import { onlineContract } from './online';
import { paymentsContract } from './payments';
import { reportsContract } from './reports';
import { setupContract } from './setup';
import { syncContract } from './sync';
import { systemContract } from './system';
import { tillContract } from './till';
import type { HandlerSpec } from './define';

export * from './admin';
export * from './auth';
export * from './bank';
export * from './closures';
export * from './coupons';
export * from './deposits';
export * from './families';
export * from './imports';
export * from './journal';
export * from './online';
export * from './payments';
export * from './reports';
export * from './setup';
export * from './sync';
export * from './system';
export * from './till';
export type { HandlerSpec } from './define';

/** Every handler of the register. Domains add theirs by spreading their own map here. */
export const contract = {
  ...systemContract,
  ...authContract,
  ...familiesContract,
  ...paymentsContract,
  ...journalContract,
  ...tillContract,
  ...closuresContract,
  ...depositsContract,
  ...reportsContract,
  ...adminContract,
  ...syncContract,
  ...couponsContract,
  ...importsContract,
  ...bankContract,
  ...onlineContract,
  ...setupContract,
} as const;

export type Contract = typeof contract;
export type HandlerName = keyof Contract;
export const handlerNames = Object.keys(contract) as HandlerName[];

type SpecOf<K extends HandlerName> = Contract[K];
export type Input<K extends HandlerName> =
  SpecOf<K> extends HandlerSpec<infer I, unknown> ? z.input<I> : never;
export type ParsedInput<K extends HandlerName> =
  SpecOf<K> extends HandlerSpec<infer I, unknown> ? z.output<I> : never;
export type Output<K extends HandlerName> =
  SpecOf<K> extends HandlerSpec<z.ZodType, infer O> ? O : never;

export function isHandlerName(name: string): name is HandlerName {
  return Object.hasOwn(contract, name);
}
