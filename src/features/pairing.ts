/**
 * Which hemisphere each region belongs to and which regions are homotopic (the same area on both
 * sides). Inter-hemispheric FCD features need the split, homotopic FC needs the pairs.
 */
import { InputError } from '../errors.js';

export interface RegionPairing {
  /** 0 or 1 per region: the two hemispheres (which one is left does not matter to any feature). */
  hemisphere: Uint8Array;
  /** Homotopic pairs [i, j] of region indexes. */
  homotopic: Array<readonly [number, number]>;
}

/**
 * tvb-inversion's convention: the first N/2 regions form one hemisphere and region i is homotopic to
 * i + N/2 (true for TVB's connectivity_68/76 and the dk84 demo connectome, which list one hemisphere and
 * then the other in the same order). Requires an even N.
 */
export function halvesPairing(nRegions: number): RegionPairing {
  if (nRegions < 2 || nRegions % 2 !== 0) {
    throw new InputError(
      `region pairing "halves" needs an even number of regions (got ${nRegions}) — fix: use regionPairing: connectome with a connectome that names its hemispheres`,
    );
  }
  const half = nRegions / 2;
  const hemisphere = new Uint8Array(nRegions);
  hemisphere.fill(1, half);
  const homotopic: Array<readonly [number, number]> = [];
  for (let i = 0; i < half; i++) homotopic.push([i, i + half]);
  return { hemisphere, homotopic };
}

/**
 * Label patterns that carry the hemisphere, tried in order. Group 1 is what precedes the marker, group 2
 * the marker itself; the area's stem is the label with the marker replaced by `*`.
 */
const HEMISPHERE_MARKERS: RegExp[] = [
  /(^|[-_.])(lh|rh)(?=[-_.])/i, // ctx-lh-insula, lh.insula
  /^()(left|right)(?=[-_. ]|[A-Z])/i, // Left-Thalamus
  /^()([lr])(?=[-_.])/i, // r_insula, L.insula
  /^()([lr])(?=[A-Z0-9])/, // rA1, lPFCDL
];

/**
 * Hemispheres and homotopic pairs from region labels such as `ctx-lh-insula`/`ctx-rh-insula`,
 * `Left-Thalamus`/`Right-Thalamus`, `l_insula`/`r_insula` or `lA1`/`rA1`. Every label must carry a
 * hemisphere marker; regions whose stem has no partner on the other side (e.g. a midline area) are left
 * unpaired.
 */
export function pairingFromLabels(labels: string[]): RegionPairing {
  const hemisphere = new Uint8Array(labels.length);
  const byStem = new Map<string, { left?: number; right?: number }>();
  labels.forEach((label, index) => {
    let match: RegExpMatchArray | null = null;
    for (const pattern of HEMISPHERE_MARKERS) if ((match = label.match(pattern))) break;
    if (!match || match.index === undefined) {
      throw new InputError(
        `region label "${label}" names no hemisphere (expected e.g. lh-/rh-, Left-/Right-, l_/r_ or lX/rX) — fix: label the regions by hemisphere or use regionPairing: halves`,
      );
    }
    const right = match[2][0].toLowerCase() === 'r';
    hemisphere[index] = right ? 1 : 0;
    const markerAt = match.index + match[1].length;
    const stem = `${label.slice(0, markerAt)}*${label.slice(markerAt + match[2].length)}`.toLowerCase();
    const entry = byStem.get(stem) ?? {};
    const side = right ? 'right' : 'left';
    if (entry[side] !== undefined) {
      throw new InputError(`region labels "${labels[entry[side] as number]}" and "${label}" name the same area twice — fix: make the labels unique`);
    }
    entry[side] = index;
    byStem.set(stem, entry);
  });
  const homotopic: Array<readonly [number, number]> = [];
  for (const { left, right } of byStem.values()) if (left !== undefined && right !== undefined) homotopic.push([left, right]);
  homotopic.sort((a, b) => a[0] - b[0]);
  return { hemisphere, homotopic };
}

/** Checks a pairing supplied from outside against the number of regions. */
export function checkPairing(pairing: RegionPairing, nRegions: number): void {
  if (pairing.hemisphere.length !== nRegions) {
    throw new InputError(
      `the region pairing covers ${pairing.hemisphere.length} regions but the series has ${nRegions} — fix: take the pairing from the same connectome`,
    );
  }
  for (const [i, j] of pairing.homotopic) {
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < nRegions && j < nRegions && i !== j)) {
      throw new InputError(`homotopic pair [${i}, ${j}] is not a pair of distinct regions below ${nRegions} — fix: correct the pairing`);
    }
  }
}
