// What a new database starts with (core/demo/seed.ts builds each): 'demo' Ville de Démo, 'empty'
// a commune to configure with a single régisseur account, 'none' nothing. The list lives here,
// without the seeding code, so that the desktop shell can check the kind it is sent.
export const seedKinds = ['demo', 'empty', 'none'] as const;

export type SeedKind = (typeof seedKinds)[number];
