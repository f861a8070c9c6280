import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import type * as GeoJSON from 'geojson';
import { invalidParam, unsupported } from '../errors.js';
import { lookupAll } from './paths.js';
import { type Doc, isPlainObject, toNumber, typeBracket } from './values.js';

/**
 * Geo values and queries with MongoDB's 2dsphere semantics (CloudBase's engine): GeoJSON geometries on a sphere of
 * radius 6,378,100 m, polygon edges along great circles (S2's model).
 *
 * Distances are computed exactly as MongoDB computes them (S2: the angle atan2(|a×b|, a·b) between unit vectors,
 * times the radius), so they agree to the last digits. Containment and intersection are Turf's (planar, well tested)
 * on geometries whose edges are first split along their great circles until no piece strays more than a millimetre
 * from it, which makes the planar answer the spherical one; S2 itself counts a point within about a centimetre of a
 * boundary as on it. Geometries Turf's plane cannot represent (an edge across the antimeridian, a polygon spanning
 * 180 degrees of longitude or more) are refused rather than answered wrongly.
 */
export const EARTH_RADIUS_M = 6378.1 * 1000;

type Position = [number, number];
export type Geometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

class GeoError extends Error {}

// ---- parsing (MongoDB's GeoJSON rules) ----

function position(v: unknown): Position {
  if (!Array.isArray(v) || v.length < 2 || !v.every((n) => typeBracket(n) === 3 && n !== null))
    throw new GeoError(`a position must be an array of numbers [longitude, latitude], found ${JSON.stringify(v)}`);
  const [lng, lat] = [toNumber(v[0]), toNumber(v[1])];
  if (!(Math.abs(lng) <= 180 && Math.abs(lat) <= 90))
    throw new GeoError(`longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`);
  return [lng, lat];
}

function positions(v: unknown, min: number, what: string): Position[] {
  if (!Array.isArray(v)) throw new GeoError(`${what} coordinates must be an array`);
  const out = v.map(position);
  if (out.length < min) throw new GeoError(`${what} must have at least ${min} vertices`);
  return out;
}

function ring(v: unknown): Position[] {
  const out = positions(v, 4, 'a polygon ring');
  const [first, last] = [out[0]!, out[out.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) throw new GeoError('a polygon ring must be closed (last vertex = first)');
  if (new Set(out.map((p) => `${p[0]},${p[1]}`)).size < 3) throw new GeoError('a polygon ring must have 3 distinct vertices');
  return out;
}

function polygonRings(v: unknown): Position[][] {
  if (!Array.isArray(v) || v.length === 0) throw new GeoError('polygon coordinates must be a non-empty array of rings');
  return v.map(ring);
}

function nonEmpty<T>(v: unknown, what: string, each: (item: unknown) => T): T[] {
  if (!Array.isArray(v) || v.length === 0) throw new GeoError(`${what} coordinates must be a non-empty array`);
  return v.map(each);
}

function isGeoJsonShaped(v: unknown): v is Doc {
  return isPlainObject(v) && typeof v.type === 'string' && 'coordinates' in v;
}

/** A GeoJSON geometry, validated as MongoDB validates it; throws GeoError. */
function parseGeoJson(v: Doc): Geometry {
  const c = v.coordinates;
  switch (v.type) {
    case 'Point':
      return { type: 'Point', coordinates: position(c) };
    case 'LineString':
      return { type: 'LineString', coordinates: positions(c, 2, 'a LineString') };
    case 'Polygon':
      return { type: 'Polygon', coordinates: polygonRings(c) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: nonEmpty(c, 'MultiPoint', position) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: nonEmpty(c, 'MultiLineString', (l) => positions(l, 2, 'a LineString')) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: nonEmpty(c, 'MultiPolygon', polygonRings) };
    case 'GeometryCollection':
      throw unsupported('GeoJSON GeometryCollection');
    default:
      throw new GeoError(`unknown GeoJSON type ${JSON.stringify(v.type)}`);
  }
}

/** A geometry in a query (`$geometry`), or INVALID_PARAM. */
export function queryGeometry(v: unknown, op: string): Geometry {
  if (!isGeoJsonShaped(v)) throw invalidParam(`${op}: $geometry must be a GeoJSON object {type, coordinates}`);
  try {
    return parseGeoJson(v);
  } catch (err) {
    if (err instanceof GeoError) throw invalidParam(`${op}: invalid $geometry: ${err.message}`);
    throw err;
  }
}

/** A stored value's geometries: a GeoJSON object, a legacy [lng, lat] pair, or an array of them; throws GeoError. */
function storedGeometries(v: unknown): Array<{ geometry: Geometry; value: unknown }> {
  if (v === undefined || v === null) return [];
  if (isGeoJsonShaped(v)) return [{ geometry: parseGeoJson(v), value: v }];
  if (Array.isArray(v)) {
    if (v.length === 2 && v.every((n) => typeof n === 'number'))
      return [{ geometry: { type: 'Point', coordinates: position(v) }, value: v }];
    return v.flatMap((item) => {
      if (isGeoJsonShaped(item) || (Array.isArray(item) && item.length === 2)) return storedGeometries(item);
      throw new GeoError(`not a geometry: ${JSON.stringify(item)}`);
    });
  }
  throw new GeoError(`not a geometry: ${JSON.stringify(v)}`);
}

/** Refuses a document whose 2dsphere-indexed fields hold anything but geometries (null and missing are allowed). */
export function checkGeoFields(doc: Doc, paths: string[]): void {
  for (const path of paths) {
    for (const value of lookupAll(doc, path)) {
      try {
        storedGeometries(value);
      } catch (err) {
        if (err instanceof GeoError) throw invalidParam(`Can't extract geo keys from '${path}': ${err.message}`);
        throw err;
      }
    }
  }
}

/** The geometries a query sees at `path` of a document; values that are not geometries are skipped, as in MongoDB. */
export function geometriesAt(doc: Doc, path: string): Array<{ geometry: Geometry; value: unknown }> {
  return geometriesIn(lookupAll(doc, path));
}

/** The geometries among the values a path yields (see lookupAll). */
export function geometriesIn(values: unknown[]): Array<{ geometry: Geometry; value: unknown }> {
  const out: Array<{ geometry: Geometry; value: unknown }> = [];
  for (const value of values) {
    try {
      out.push(...storedGeometries(value));
    } catch (err) {
      if (!(err instanceof GeoError)) throw err;
    }
  }
  return out;
}

// ---- the sphere (S2's formulas, as MongoDB's bundled S2 computes them) ----

type Vec = [number, number, number];

/** S2LatLng::FromDegrees(lat, lng).ToPoint(). */
function toVec([lng, lat]: Position): Vec {
  const phi = lat * (Math.PI / 180);
  const theta = lng * (Math.PI / 180);
  const cosphi = Math.cos(phi);
  return [Math.cos(theta) * cosphi, Math.sin(theta) * cosphi, Math.sin(phi)];
}

function cross(a: Vec, b: Vec): Vec {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: Vec, b: Vec): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function norm(a: Vec): number {
  return Math.sqrt(dot(a, a));
}

/** S1Angle(a, b): Vector3::Angle, atan2(|a×b|, a·b). */
function angle(a: Vec, b: Vec): number {
  return Math.atan2(norm(cross(a, b)), dot(a, b));
}

function toPosition(v: Vec): Position {
  return [Math.atan2(v[1], v[0]) * (180 / Math.PI), Math.atan2(v[2], Math.sqrt(v[0] * v[0] + v[1] * v[1])) * (180 / Math.PI)];
}

/** S2EdgeUtil::GetClosestPoint: the point of edge ab nearest to x. */
function closestOnEdge(x: Vec, a: Vec, b: Vec): Vec {
  const sum: Vec = [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
  const diff: Vec = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const n = cross(sum, diff); // S2::RobustCrossProd(a, b)
  const n2 = dot(n, n);
  if (n2 > 0) {
    const k = dot(x, n) / n2;
    const p: Vec = [x[0] - k * n[0], x[1] - k * n[1], x[2] - k * n[2]];
    const ccw = (u: Vec, v: Vec, w: Vec) => dot(cross(w, u), v) > 0; // S2::SimpleCCW
    if (ccw(n, a, p) && ccw(p, b, n)) {
      const len = norm(p);
      return [p[0] / len, p[1] / len, p[2] / len];
    }
  }
  const da = (x[0] - a[0]) ** 2 + (x[1] - a[1]) ** 2 + (x[2] - a[2]) ** 2;
  const db = (x[0] - b[0]) ** 2 + (x[1] - b[1]) ** 2 + (x[2] - b[2]) ** 2;
  return da <= db ? a : b;
}

function distanceToLine(x: Vec, line: Position[]): number {
  if (line.length === 1) return angle(x, toVec(line[0]!));
  let best = Infinity;
  for (let i = 1; i < line.length; i++) best = Math.min(best, angle(x, closestOnEdge(x, toVec(line[i - 1]!), toVec(line[i]!))));
  return best;
}

/** Radians from point `x` to the nearest point of `g` (0 inside a polygon): GeometryContainer::minDistance. */
function distanceRad(x: Vec, g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return angle(x, toVec(g.coordinates));
    case 'MultiPoint':
      return Math.min(...g.coordinates.map((p) => angle(x, toVec(p))));
    case 'LineString':
      return distanceToLine(x, g.coordinates);
    case 'MultiLineString':
      return Math.min(...g.coordinates.map((l) => distanceToLine(x, l)));
    case 'Polygon':
    case 'MultiPolygon': {
      if (booleanPointInPolygon(toPosition(x), planar(g) as GeoJSON.Polygon | GeoJSON.MultiPolygon)) return 0;
      const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
      return Math.min(...rings.map((r) => distanceToLine(x, r)));
    }
  }
}

/** Metres from a point to a geometry, as MongoDB reports distances for a GeoJSON near point. */
export function distanceMeters(from: Position, g: Geometry): number {
  return distanceRad(toVec(from), g) * EARTH_RADIUS_M;
}

// ---- great-circle edges on Turf's plane ----

const MAX_DEVIATION_RAD = 0.001 / EARTH_RADIUS_M; // 1 mm

/** The edge a→b split along its great circle until each piece's straight line is within 1 mm of the arc. */
function densifyEdge(a: Position, b: Position, out: Position[], depth = 0): void {
  const va = toVec(a);
  const vb = toVec(b);
  const sum: Vec = [va[0] + vb[0], va[1] + vb[1], va[2] + vb[2]];
  const len = norm(sum);
  if (depth < 24 && len > 0) {
    const arcMid = toPosition([sum[0] / len, sum[1] / len, sum[2] / len]);
    const lineMid: Position = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    if (angle(toVec(arcMid), toVec(lineMid)) > MAX_DEVIATION_RAD) {
      densifyEdge(a, arcMid, out, depth + 1);
      densifyEdge(arcMid, b, out, depth + 1);
      return;
    }
  }
  out.push(b);
}

function densifyPath(path: Position[]): Position[] {
  const out: Position[] = [path[0]!];
  for (let i = 1; i < path.length; i++) {
    const [a, b] = [path[i - 1]!, path[i]!];
    if (Math.abs(a[0] - b[0]) > 180) throw unsupported('a geometry with an edge across the antimeridian (180° longitude)');
    densifyEdge(a, b, out);
  }
  return out;
}

function densifyPolygon(rings: Position[][]): Position[][] {
  const lngs = rings[0]!.map((p) => p[0]);
  if (Math.max(...lngs) - Math.min(...lngs) >= 180) throw unsupported('a polygon spanning 180° of longitude or more');
  return rings.map(densifyPath);
}

const planarCache = new WeakMap<Geometry, GeoJSON.Geometry>();
/** The geometry with great-circle edges as Turf sees it. */
function planar(g: Geometry): GeoJSON.Geometry {
  let out = planarCache.get(g);
  if (!out) {
    switch (g.type) {
      case 'Point':
      case 'MultiPoint':
        out = g;
        break;
      case 'LineString':
        out = { type: 'LineString', coordinates: densifyPath(g.coordinates) };
        break;
      case 'MultiLineString':
        out = { type: 'MultiLineString', coordinates: g.coordinates.map(densifyPath) };
        break;
      case 'Polygon':
        out = { type: 'Polygon', coordinates: densifyPolygon(g.coordinates) };
        break;
      case 'MultiPolygon':
        out = { type: 'MultiPolygon', coordinates: g.coordinates.map(densifyPolygon) };
        break;
    }
    planarCache.set(g, out);
  }
  return out;
}

/** The single geometries of a Multi*, one by one. */
function members(g: Geometry): Geometry[] {
  switch (g.type) {
    case 'MultiPoint':
      return g.coordinates.map((coordinates) => ({ type: 'Point', coordinates }));
    case 'MultiLineString':
      return g.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }));
    case 'MultiPolygon':
      return g.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
    default:
      return [g];
  }
}

// ---- $geoWithin, $geoIntersects, $nearSphere ----

export type Region = { kind: 'polygons'; polygons: Geometry[] } | { kind: 'cap'; center: Vec; radius: number };

/** `$geoWithin`'s argument: `{$geometry: Polygon | MultiPolygon}` or `{$centerSphere: [[lng, lat], radians]}`. */
export function withinRegion(arg: unknown): Region {
  if (!isPlainObject(arg) || Object.keys(arg).length !== 1) throw invalidParam('$geoWithin needs {$geometry} or {$centerSphere}');
  if ('$geometry' in arg) {
    const g = queryGeometry(arg.$geometry, '$geoWithin');
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
      throw invalidParam('$geoWithin: $geometry must be a Polygon or MultiPolygon');
    const polygons = members(g);
    polygons.forEach(planar); // refuses what the plane cannot represent before any document is read
    return { kind: 'polygons', polygons };
  }
  if ('$centerSphere' in arg) {
    const c = arg.$centerSphere;
    if (!Array.isArray(c) || c.length !== 2 || typeBracket(c[1]) !== 3 || toNumber(c[1]) < 0)
      throw invalidParam('$centerSphere must be [[longitude, latitude], radius in radians]');
    let center: Position;
    try {
      center = isGeoJsonShaped(c[0]) && c[0].type === 'Point' ? position(c[0].coordinates) : position(c[0]);
    } catch (err) {
      if (err instanceof GeoError) throw invalidParam(`$centerSphere: ${err.message}`);
      throw err;
    }
    return { kind: 'cap', center: toVec(center), radius: toNumber(c[1]) };
  }
  const [key] = Object.keys(arg);
  if (key === '$box' || key === '$center' || key === '$polygon') throw unsupported(`$geoWithin ${key} (flat 2d geometry)`);
  throw invalidParam(`$geoWithin: unknown argument ${key}`);
}

function inPolygon(m: Geometry, polygon: Geometry): boolean {
  const container = planar(polygon) as GeoJSON.Polygon;
  if (m.type === 'Point') return booleanPointInPolygon(m.coordinates, container);
  if (!booleanWithin(planar(m), container)) return false;
  // Turf checks the edges; a hole of the container inside the polygon would still pass that check.
  if (m.type === 'Polygon')
    for (const hole of container.coordinates.slice(1))
      if (hole.some((p) => booleanPointInPolygon(p, planar(m) as GeoJSON.Polygon, { ignoreBoundary: true }))) return false;
  return true;
}

/** MongoDB: every member of `g` lies in one of the region's polygons (not merely in their union), or in the cap. */
export function within(g: Geometry, region: Region): boolean {
  return members(g).every((m) => {
    if (region.kind === 'cap') {
      if (m.type === 'Point') return angle(region.center, toVec(m.coordinates)) <= region.radius;
      // As MongoDB does: nothing of the geometry is nearer to the antipode than the complement cap's radius.
      const antipode: Vec = [-region.center[0], -region.center[1], -region.center[2]];
      return distanceRad(antipode, m) >= Math.PI - region.radius;
    }
    return region.polygons.some((p) => inPolygon(m, p));
  });
}

export function intersects(a: Geometry, b: Geometry): boolean {
  return booleanIntersects(planar(a), planar(b));
}

export interface NearSpec {
  path: string;
  point: Position;
  min: number;
  max: number;
}

/** `$nearSphere` / `$near` with a GeoJSON point, distances in metres. */
export function nearSpec(path: string, op: string, arg: unknown): NearSpec {
  if (!isPlainObject(arg) || !('$geometry' in arg))
    throw unsupported(
      `${op} with legacy coordinates (only {$geometry: <GeoJSON Point>, $minDistance, $maxDistance} is modelled)`,
    );
  for (const key of Object.keys(arg))
    if (!['$geometry', '$minDistance', '$maxDistance'].includes(key)) throw invalidParam(`${op}: unknown argument ${key}`);
  const g = queryGeometry(arg.$geometry, op);
  if (g.type !== 'Point') throw invalidParam(`${op}: $geometry must be a Point`);
  const distance = (key: string, fallback: number) => {
    const v = arg[key];
    if (v === undefined) return fallback;
    if (typeBracket(v) !== 3 || v === null || toNumber(v) < 0) throw invalidParam(`${op}: ${key} must be a non-negative number`);
    return toNumber(v);
  };
  return { path, point: g.coordinates, min: distance('$minDistance', 0), max: distance('$maxDistance', Infinity) };
}

/** The distance of a document from a near point (its nearest geometry at the path), or undefined if it has none. */
export function nearestGeometry(doc: Doc, path: string, point: Position): { distance: number; value: unknown } | undefined {
  let best: { distance: number; value: unknown } | undefined;
  for (const { geometry, value } of geometriesAt(doc, path)) {
    const distance = distanceMeters(point, geometry);
    if (!best || distance < best.distance) best = { distance, value };
  }
  return best;
}

// ---- where geo operators appear in a filter ----

const GEO_QUERY_OPERATORS = new Set(['$near', '$nearSphere', '$geoWithin', '$geoIntersects']);

export interface GeoUse {
  path: string;
  op: string;
  arg: unknown;
  /** A top-level condition (or one in a top-level $and): the only place MongoDB allows $near. */
  topLevel: boolean;
}

/** Every geo condition in a filter, with where it stands. */
export function geoUses(filter: unknown, topLevel = true, out: GeoUse[] = []): GeoUse[] {
  if (!isPlainObject(filter)) return out;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (Array.isArray(value)) for (const sub of value) geoUses(sub, topLevel && key === '$and', out);
    } else if (!key.startsWith('$') && isPlainObject(value)) {
      for (const [op, arg] of Object.entries(value)) {
        if (GEO_QUERY_OPERATORS.has(op)) out.push({ path: key, op, arg, topLevel });
        else if (op === '$not') geoUses({ [key]: arg }, false, out);
        else if (op === '$elemMatch') geoUses(arg, false, out);
      }
    }
  }
  return out;
}

/**
 * The `$near`/`$nearSphere` condition of a query, if any, checked as MongoDB checks it: at most one, and only at the
 * top level; `allowed` is false where MongoDB refuses it altogether (count, $match, $geoNear's query).
 */
export function nearOf(filter: unknown, allowed: boolean): NearSpec | undefined {
  const near = geoUses(filter).filter((u) => u.op === '$near' || u.op === '$nearSphere');
  if (near.length === 0) return undefined;
  if (!allowed) throw invalidParam('$geoNear, $near, and $nearSphere are not allowed in this context');
  if (near.length > 1) throw invalidParam('Too many geoNear expressions');
  const [use] = near;
  if (!use!.topLevel) throw invalidParam('geoNear must be top-level expr');
  return nearSpec(use!.path, use!.op, use!.arg);
}
