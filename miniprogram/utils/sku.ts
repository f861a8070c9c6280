import type { SpecDimension } from '../../typings/product';

/**
 * The SKU picker's logic (components/sku-picker): a product's spec matrix (颜色 × 尺码 …), one value chosen per
 * dimension, and which values can still lead to a SKU in stock. Pure, so it is tested on its own (test/sku.test.ts).
 */

/** A SKU as the picker offers it: the price and stock of what is being bought (a promotion's, in its variants). */
export interface PickableSku {
  skuId: string;
  specValues: Record<string, string>;
  price: number;
  stock: number;
  image: string;
}

/** The value chosen per dimension name; a dimension not chosen yet is absent. */
export type Choice = Record<string, string>;

export interface ValueOption {
  value: string;
  selected: boolean;
  /** Every SKU with this value and the rest of the current choice is out of stock (or does not exist). */
  disabled: boolean;
}

export interface DimensionOptions {
  name: string;
  values: ValueOption[];
}

/** True when `sku` has the chosen value of every dimension except `except`. */
function agrees(sku: PickableSku, choice: Choice, except?: string): boolean {
  return Object.entries(choice).every(([dim, value]) => dim === except || sku.specValues[dim] === value);
}

/** Whether `value` of `dim`, with the other dimensions as chosen, leaves at least one SKU in stock. */
export function isAvailable(skus: readonly PickableSku[], choice: Choice, dim: string, value: string): boolean {
  return skus.some((sku) => sku.stock > 0 && sku.specValues[dim] === value && agrees(sku, choice, dim));
}

/** The matrix as the picker draws it: each dimension's values, chosen or not, disabled or not. */
export function optionsOf(specs: readonly SpecDimension[], skus: readonly PickableSku[], choice: Choice): DimensionOptions[] {
  return specs.map((spec) => ({
    name: spec.name,
    values: spec.values.map((value) => ({
      value,
      selected: choice[spec.name] === value,
      disabled: !isAvailable(skus, choice, spec.name, value),
    })),
  }));
}

/**
 * The choice after a tap on `value` of `dim`: a chosen value is unchosen, a disabled one changes nothing, and values
 * of other dimensions that the new value leaves without stock are dropped (the shopper picks them again).
 */
export function choose(
  specs: readonly SpecDimension[],
  skus: readonly PickableSku[],
  choice: Choice,
  dim: string,
  value: string,
): Choice {
  if (choice[dim] === value) {
    const { [dim]: _dropped, ...rest } = choice;
    return rest;
  }
  if (!isAvailable(skus, choice, dim, value)) return choice;
  return retain(specs, skus, { ...choice, [dim]: value }, dim);
}

/**
 * Keeps what can still be bought of a choice (the SKUs offered changed, or one value was just chosen: `keep` is
 * never dropped). Values are taken back one by one, in spec order, each only if some SKU in stock has it and every
 * value taken before, so what is left always leads to stock.
 */
export function retain(specs: readonly SpecDimension[], skus: readonly PickableSku[], choice: Choice, keep?: string): Choice {
  const valid = (dim: string): string | undefined => {
    const value = choice[dim];
    return value !== undefined && specs.some((spec) => spec.name === dim && spec.values.includes(value)) ? value : undefined;
  };
  const kept = keep === undefined ? undefined : valid(keep);
  const next: Choice = keep !== undefined && kept !== undefined ? { [keep]: kept } : {};
  for (const spec of specs) {
    const value = valid(spec.name);
    if (spec.name === keep || value === undefined) continue;
    if (isAvailable(skus, next, spec.name, value)) next[spec.name] = value;
  }
  return next;
}

/** Dimensions still to choose, in spec order. */
export function missingDimensions(specs: readonly SpecDimension[], choice: Choice): string[] {
  return specs.filter((spec) => choice[spec.name] === undefined).map((spec) => spec.name);
}

/** The SKU of a complete choice (a product without specs has its one SKU), or undefined. */
export function chosenSku(
  specs: readonly SpecDimension[],
  skus: readonly PickableSku[],
  choice: Choice,
): PickableSku | undefined {
  if (missingDimensions(specs, choice).length) return undefined;
  return skus.find((sku) => specs.every((spec) => sku.specValues[spec.name] === choice[spec.name]));
}

/**
 * Where the picker starts: the values of `preferred` when it is in stock (the SKU a promotion is on), then every
 * dimension with a single value, when that value has stock.
 */
export function initialChoice(specs: readonly SpecDimension[], skus: readonly PickableSku[], preferred?: string): Choice {
  const sku = preferred ? skus.find((s) => s.skuId === preferred && s.stock > 0) : undefined;
  let choice: Choice = sku ? { ...sku.specValues } : {};
  for (const spec of specs) {
    const [only] = spec.values;
    if (
      spec.values.length === 1 &&
      only !== undefined &&
      choice[spec.name] === undefined &&
      isAvailable(skus, choice, spec.name, only)
    ) {
      choice = { ...choice, [spec.name]: only };
    }
  }
  return retain(specs, skus, choice);
}

/** `黑色 / M`: a SKU's values in the product's spec order. */
export function specText(specs: readonly SpecDimension[], specValues: Record<string, string>): string {
  const ordered = specs.map((spec) => specValues[spec.name]).filter((v): v is string => Boolean(v));
  // A SKU's values not among the specs (the product's specs were edited) still say what it is.
  const others = Object.entries(specValues)
    .filter(([dim]) => !specs.some((spec) => spec.name === dim))
    .map(([, value]) => value);
  return [...ordered, ...others].join(' / ');
}

/** The lowest and highest price among the SKUs (all of them when none has stock), in fen. */
export function priceSpan(skus: readonly PickableSku[]): { min: number; max: number } {
  const inStock = skus.filter((s) => s.stock > 0);
  const prices = (inStock.length ? inStock : skus).map((s) => s.price);
  return prices.length ? { min: Math.min(...prices), max: Math.max(...prices) } : { min: 0, max: 0 };
}

/** The most one can take: the SKU's stock, under a cap when there is one (a promotion's limit), at least 0. */
export function quantityLimit(stock: number, cap = 0): number {
  return Math.max(0, cap > 0 ? Math.min(stock, cap) : stock);
}

/** A quantity within 1..limit (1 when nothing can be taken: the picker's confirm is off then anyway). */
export function clampQuantity(quantity: number, limit: number): number {
  const whole = Number.isFinite(quantity) ? Math.floor(quantity) : 1;
  return Math.max(1, Math.min(whole, Math.max(1, limit)));
}
