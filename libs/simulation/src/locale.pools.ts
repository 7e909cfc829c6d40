/**
 * Name, city and e-mail domain pools per Faker locale, built once per run from a Faker seeded with the
 * run's seed and reference time (never the wall clock), then sampled with our own PRNG: a Faker call
 * per record would cost more than the rest of the model together.
 */
import { Faker, allLocales, base, en, type LocaleDefinition } from '@faker-js/faker';
import { AppError } from '@churnstream/errors';
import type { Scenario } from './scenario.schema';

export interface LocalePool {
  readonly country: string;
  readonly cities: readonly string[];
  readonly femaleFirst: readonly string[];
  readonly maleFirst: readonly string[];
  readonly last: readonly string[];
  readonly emailDomains: readonly string[];
}

const POOL_SIZES = { cities: 300, first: 400, last: 600 } as const;

function uniqueDraws(draw: () => string, n: number): string[] {
  const seen = new Set<string>();
  // Some locales have few distinct values; bound the attempts rather than loop forever.
  for (let i = 0; i < n * 4 && seen.size < n; i++) seen.add(draw());
  return [...seen];
}

export function buildLocalePools(scenario: Scenario, seed: number, referenceNowMs: number): LocalePool[] {
  return scenario.locales.map(({ locale, country }) => {
    const definition = (allLocales as Record<string, LocaleDefinition | undefined>)[locale];
    if (definition === undefined) {
      throw new AppError('CONFIG_INVALID', `scenario.locales: unknown Faker locale "${locale}"`);
    }
    const faker = new Faker({ locale: [definition, en, base] });
    faker.seed(seed);
    faker.setDefaultRefDate(new Date(referenceNowMs));
    const domains = faker.definitions.internet.free_email;
    return {
      country,
      cities: uniqueDraws(() => faker.location.city(), POOL_SIZES.cities),
      femaleFirst: uniqueDraws(() => faker.person.firstName('female'), POOL_SIZES.first),
      maleFirst: uniqueDraws(() => faker.person.firstName('male'), POOL_SIZES.first),
      last: uniqueDraws(() => faker.person.lastName(), POOL_SIZES.last),
      emailDomains: domains.length > 0 ? [...domains] : ['example.com'],
    };
  });
}

/** Lower-case ASCII for the local part of an e-mail address: "Zoë O'Brien" -> "zoeobrien". */
export function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
