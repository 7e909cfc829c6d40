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

// Pattern-made cities (locales without a city list) cost a Faker call each: fewer of them.
const POOL_SIZES = { cities: 300, patternCities: 100, first: 400, last: 600 } as const;

function uniqueDraws(draw: () => string, n: number): string[] {
  const seen = new Set<string>();
  // Some locales have few distinct values; bound the attempts rather than loop forever.
  for (let i = 0; i < n * 4 && seen.size < n; i++) seen.add(draw());
  return [...seen];
}

/**
 * Takes up to `n` entries of a locale's word list in one seeded Faker call, or, when the locale has no
 * such list (cities made from patterns, say), draws them one by one.
 */
function sample(
  faker: Faker,
  list: readonly string[] | null | undefined,
  n: number,
  draw: () => string,
): string[] {
  if (list !== undefined && list !== null && list.length > 0)
    return faker.helpers.arrayElements([...new Set(list)], Math.min(n, list.length));
  return uniqueDraws(draw, n);
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
    // Cities from the locale's own list (not the English fallback, which is American), else made by
    // the locale's own patterns. Names from the locale's lists, falling back along its chain (en_US and
    // en_GB have none of their own): one sampling call instead of a Faker call per name.
    const own = definition;
    const names = faker.definitions.person;
    const first = names.first_name;
    return {
      country,
      cities:
        own.location?.city_name != null && own.location.city_name.length > 0
          ? sample(faker, own.location.city_name, POOL_SIZES.cities, () => '')
          : uniqueDraws(() => faker.location.city(), POOL_SIZES.patternCities),
      femaleFirst: sample(faker, first.female ?? first.generic, POOL_SIZES.first, () =>
        faker.person.firstName('female'),
      ),
      maleFirst: sample(faker, first.male ?? first.generic, POOL_SIZES.first, () =>
        faker.person.firstName('male'),
      ),
      last: sample(faker, names.last_name.generic, POOL_SIZES.last, () => faker.person.lastName()),
      emailDomains:
        faker.definitions.internet.free_email.length > 0
          ? [...faker.definitions.internet.free_email]
          : ['example.com'],
    };
  });
}

const PLAIN = /^[A-Za-z0-9]*$/;

/** Lower-case ASCII for the local part of an e-mail address: "Zoë O'Brien" -> "zoeobrien". */
export function emailPart(name: string): string {
  // Most names are plain ASCII letters: skip the Unicode normalisation for them.
  if (PLAIN.test(name)) return name.toLowerCase();
  return name
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
