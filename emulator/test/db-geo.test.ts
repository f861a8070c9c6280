import test from 'ava';
import tcb from '@cloudbase/node-sdk';
import { errorOf, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/**
 * Geo values and geo queries (`db.Geo`, `_.geoNear/geoWithin/geoIntersects`, the `geoNear` aggregation stage) through
 * the real wx-server-sdk and @cloudbase/node-sdk, with MongoDB's spherical model: S2 geometry on a sphere of radius
 * 6,378,100 m, polygon edges along great circles. CloudBase requires a geo (2dsphere) index for every geo query.
 */
const { emulator, db } = await startWithSdk([
  { name: 'places', indexes: [{ keys: { location: '2dsphere' } }, { keys: { category: 1 } }] },
  { name: 'shapes', indexes: [{ keys: { geo: '2dsphere' } }] },
  { name: 'zones', indexes: [{ keys: { area: '2dsphere' } }] },
  { name: 'twoGeo', indexes: [{ keys: { home: '2dsphere' } }, { keys: { work: '2dsphere' } }] },
  { name: 'plain' },
  { name: 'stored' },
]);
test.after.always(() => emulator.close());
const _ = db.command;
const { Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon } = db.Geo;

process.env.TENCENTCLOUD = 'true';
const nodeApp = tcb.init({ env: emulator.envId, serviceUrl: `${emulator.url}/admin`, secretId: 'local', secretKey: 'local' });
const nodeDb = nodeApp.database();

/** Haversine on MongoDB's sphere (S2LatLng::GetDistance), written independently of the emulator's S2 formula. */
const EARTH_RADIUS_M = 6378.1 * 1000;
function haversine([lng1, lat1]: number[], [lng2, lat2]: number[]): number {
  const rad = (d: number) => d * (Math.PI / 180);
  const dlat = Math.sin(0.5 * (rad(lat2!) - rad(lat1!)));
  const dlng = Math.sin(0.5 * (rad(lng2!) - rad(lng1!)));
  const x = dlat * dlat + dlng * dlng * Math.cos(rad(lat1!)) * Math.cos(rad(lat2!));
  return 2 * Math.atan2(Math.sqrt(x), Math.sqrt(Math.max(0, 1 - x))) * EARTH_RADIUS_M;
}

const CANTON_TOWER = [113.30593, 23.1361155];
const BAIYUN_MOUNTAIN = [113.306789, 23.1564721];
const PALACE_MUSEUM = [116.3949659, 39.9163447];
const GREAT_WALL = [116.2328567, 40.242373];
const HERE: [number, number] = [113.3089506, 23.0968251]; // 广州塔以南

test.before(async () => {
  await db.collection('places').add({
    data: [
      { _id: 'canton', name: 'Canton Tower', category: 'tower', location: Point(CANTON_TOWER[0], CANTON_TOWER[1]) },
      { _id: 'baiyun', name: 'Baiyun Mountain', category: 'park', location: Point(BAIYUN_MOUNTAIN[0], BAIYUN_MOUNTAIN[1]) },
      { _id: 'palace', name: 'The Palace Museum', category: 'museum', location: Point(PALACE_MUSEUM[0], PALACE_MUSEUM[1]) },
      { _id: 'wall', name: 'Great Wall', category: 'park', location: { type: 'Point', coordinates: GREAT_WALL } },
      { _id: 'nowhere', name: 'no location', category: 'park' },
    ],
  });
});

test('every db.Geo type is stored as GeoJSON and comes back as the SDK Geo object', async (t) => {
  const shapes = {
    point: Point(113.3, 23.1),
    line: LineString([Point(113.3, 23.1), Point(113.4, 23.2)]),
    polygon: Polygon([LineString([Point(0, 0), Point(3, 2), Point(2, 3), Point(0, 0)])]),
    multiPoint: MultiPoint([Point(1, 1), Point(2, 2)]),
    multiLine: MultiLineString([LineString([Point(0, 0), Point(1, 1)]), LineString([Point(2, 2), Point(3, 3)])]),
    multiPolygon: MultiPolygon([
      Polygon([LineString([Point(0, 0), Point(1, 0), Point(1, 1), Point(0, 0)])]),
      Polygon([LineString([Point(5, 5), Point(6, 5), Point(6, 6), Point(5, 5)])]),
    ]),
  };
  const { _id } = await db.collection('stored').add({ data: shapes });
  const { data } = await db.collection('stored').doc(_id).get();
  // wx-server-sdk's db.Geo.Point & co. are factories (callable without new); what they make is the class to compare.
  for (const [key, value] of Object.entries(shapes)) {
    t.is(data[key].constructor, (value as object).constructor, key);
    t.deepEqual(data[key].toJSON(), value.toJSON(), key);
  }
  t.is(data.point.longitude, 113.3);
  // node-sdk decodes the same stored GeoJSON into its own Geo objects.
  const viaNode = await nodeDb.collection('stored').doc(_id).get();
  t.true(viaNode.data[0].point instanceof nodeDb.Geo.Point);
  t.true(viaNode.data[0].multiLine instanceof (nodeDb.Geo as Rec).MultiLineString); // missing from the SDK typings
  t.deepEqual(viaNode.data[0].multiPolygon.toJSON(), shapes.multiPolygon.toJSON());
});

test('a 2dsphere-indexed field only holds geometries (null and missing are allowed)', async (t) => {
  const outOfRange = await errorOf(db.collection('shapes').add({ data: { geo: { type: 'Point', coordinates: [200, 10] } } }));
  t.regex(String(outOfRange.errMsg), /geo keys/i);
  const notGeo = await errorOf(db.collection('shapes').add({ data: { geo: 'somewhere' } }));
  t.regex(String(notGeo.errMsg), /geo keys/i);
  const openRing = await errorOf(
    db.collection('shapes').add({
      data: {
        geo: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        },
      },
    }),
  );
  t.regex(String(openRing.errMsg), /geo keys/i);
  const { _id } = await db.collection('shapes').add({ data: { geo: null, label: 'none yet' } });
  const update = await errorOf(
    db
      .collection('shapes')
      .doc(_id)
      .update({ data: { geo: { type: 'LineString', coordinates: [[0, 0]] } } }),
  );
  t.regex(String(update.errMsg), /geo keys/i);
  t.is((await db.collection('shapes').doc(_id).get()).data.geo, null);
});

test('geoNear: within min/max distance in metres, nearest first, documents without a location left out', async (t) => {
  const res = await db
    .collection('places')
    .where({ location: _.geoNear({ geometry: Point(HERE[0], HERE[1]), minDistance: 1000, maxDistance: 2_000_000 }) })
    .get();
  t.deepEqual(
    res.data.map((d: Rec) => d._id),
    ['canton', 'baiyun', 'palace', 'wall'],
  );
  const near = await db
    .collection('places')
    .where({ location: _.geoNear({ geometry: Point(HERE[0], HERE[1]), maxDistance: haversine(HERE, BAIYUN_MOUNTAIN) + 0.01 }) })
    .get();
  t.deepEqual(
    near.data.map((d: Rec) => d._id),
    ['canton', 'baiyun'],
  );
  const notTooClose = await db
    .collection('places')
    .where({
      location: _.geoNear({ geometry: Point(HERE[0], HERE[1]), minDistance: haversine(HERE, CANTON_TOWER) + 0.01 }),
      category: 'park',
    })
    .limit(2)
    .get();
  t.deepEqual(
    notTooClose.data.map((d: Rec) => d._id),
    ['baiyun', 'wall'],
  );
  // An explicit orderBy replaces the distance order, as in MongoDB.
  const byName = await db
    .collection('places')
    .where({ location: _.geoNear({ geometry: Point(HERE[0], HERE[1]) }) })
    .orderBy('name', 'asc')
    .get();
  t.deepEqual(
    byName.data.map((d: Rec) => d._id),
    ['baiyun', 'canton', 'wall', 'palace'],
  );
});

test('geo queries need a geo index on the field, as CloudBase requires', async (t) => {
  await db.collection('plain').add({ data: { location: Point(1, 1) } });
  const err = await errorOf(
    db
      .collection('plain')
      .where({ location: _.geoNear({ geometry: Point(1, 1) }) })
      .get(),
  );
  t.regex(String(err.errMsg), /2dsphere|geo index/i);
  const within = await errorOf(
    db
      .collection('plain')
      .where({ location: _.geoWithin({ centerSphere: [[1, 1], 0.01] }) })
      .get(),
  );
  t.regex(String(within.errMsg), /2dsphere|geo index/i);
});

test('geoWithin: a polygon (edges are great circles), a multipolygon, and centerSphere in radians', async (t) => {
  const guangzhou = Polygon([
    LineString([Point(113.2, 23.0), Point(113.4, 23.0), Point(113.4, 23.15), Point(113.2, 23.15), Point(113.2, 23.0)]),
  ]);
  const inGuangzhou = await db
    .collection('places')
    .where({ location: _.geoWithin({ geometry: guangzhou }) })
    .get();
  t.deepEqual(
    inGuangzhou.data.map((d: Rec) => d._id),
    ['canton'],
  );
  const both = MultiPolygon([
    guangzhou,
    Polygon([LineString([Point(116, 39.5), Point(117, 39.5), Point(117, 40), Point(116, 40), Point(116, 39.5)])]),
  ]);
  const inBoth = await db
    .collection('places')
    .where({ location: _.geoWithin({ geometry: both }) })
    .get();
  t.deepEqual(
    inBoth.data.map((d: Rec) => d._id),
    ['canton', 'palace'],
  );
  // 10 km around HERE, in radians of MongoDB's earth radius: Canton Tower (4.4 km) is in, Baiyun Mountain (6.6 km) too.
  const circle = await db
    .collection('places')
    .where({ location: _.geoWithin({ centerSphere: [HERE, 10_000 / EARTH_RADIUS_M] }) })
    .get();
  t.deepEqual(
    circle.data.map((d: Rec) => d._id),
    ['canton', 'baiyun'],
  );
  const tight = await db
    .collection('places')
    .where({
      location: _.geoWithin({ centerSphere: [Point(HERE[0], HERE[1]), (haversine(HERE, CANTON_TOWER) + 0.01) / EARTH_RADIUS_M] }),
    })
    .get();
  t.deepEqual(
    tight.data.map((d: Rec) => d._id),
    ['canton'],
  );
});

test('polygon edges follow great circles, not straight lines in longitude/latitude', async (t) => {
  const coll = db.collection('zones');
  await coll.add({
    data: [
      // Just north of the 60th parallel between the edge's ends, yet south of the great circle (which bulges to 60.38°).
      { _id: 'northOfParallel', area: Point(10, 60.2) },
      { _id: 'northOfArc', area: Point(10, 60.5) },
    ],
  });
  const band = Polygon([LineString([Point(0, 50), Point(20, 50), Point(20, 60), Point(0, 60), Point(0, 50)])]);
  const res = await coll.where({ area: _.geoWithin({ geometry: band }) }).get();
  t.deepEqual(
    res.data.map((d: Rec) => d._id),
    ['northOfParallel'],
  );
  await coll.where({ _id: _.in(['northOfParallel', 'northOfArc']) }).remove();
});

test('geoWithin: a hole is outside; geoIntersects between points, lines and polygons', async (t) => {
  const coll = db.collection('zones');
  const ring = (x0: number, y0: number, x1: number, y1: number) =>
    LineString([Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1), Point(x0, y0)]);
  await coll.add({
    data: [
      { _id: 'inHole', area: Point(5, 5) },
      { _id: 'inRing', area: Point(1, 1) },
      { _id: 'road', area: LineString([Point(-5, 5), Point(15, 5)]) },
      { _id: 'farRoad', area: LineString([Point(30, 30), Point(31, 31)]) },
      { _id: 'lot', area: Polygon([ring(8, 8, 12, 12)]) },
      { _id: 'outerLot', area: Polygon([ring(20, 20, 25, 25)]) },
      { _id: 'stops', area: MultiPoint([Point(40, 40), Point(9, 9)]) },
    ],
  });
  const donut = Polygon([ring(0, 0, 10, 10), ring(4, 4, 6, 6)]);
  const within = await coll.where({ area: _.geoWithin({ geometry: donut }) }).get();
  t.deepEqual(
    within.data.map((d: Rec) => d._id),
    ['inRing'],
  );
  const crossing = await coll.where({ area: _.geoIntersects({ geometry: donut }) }).get();
  t.deepEqual(
    crossing.data.map((d: Rec) => d._id),
    ['inRing', 'road', 'lot', 'stops'],
  );
  const onRoad = await coll.where({ area: _.geoIntersects({ geometry: LineString([Point(2, 0), Point(2, 10)]) }) }).get();
  t.deepEqual(
    onRoad.data.map((d: Rec) => d._id),
    ['road'],
  );
  const atPoint = await coll.where({ area: _.geoIntersects({ geometry: Point(1, 1) }) }).get();
  t.deepEqual(
    atPoint.data.map((d: Rec) => d._id),
    ['inRing'],
  );
  await coll.where({ _id: _.in(['inHole', 'inRing', 'road', 'farRoad', 'lot', 'outerLot', 'stops']) }).remove();
});

test('aggregate geoNear: distanceField, query, limit, distanceMultiplier, includeLocs, and distances as MongoDB computes them', async (t) => {
  const $ = db.command.aggregate;
  const res = await db
    .collection('places')
    .aggregate()
    .geoNear({
      distanceField: 'distance',
      spherical: true,
      near: Point(HERE[0], HERE[1]),
      query: { category: _.in(['park', 'tower']) },
      includeLocs: 'where',
    })
    .project({ name: 1, distance: 1, where: 1 })
    .end();
  t.deepEqual(
    res.list.map((d: Rec) => d._id),
    ['canton', 'baiyun', 'wall'],
  );
  const expected = [CANTON_TOWER, BAIYUN_MOUNTAIN, GREAT_WALL].map((p) => haversine(HERE, p));
  res.list.forEach((d: Rec, i: number) => t.true(Math.abs(d.distance - expected[i]!) < 1e-6, `${d._id}: ${d.distance}`));
  t.deepEqual(res.list[0].where, { type: 'Point', coordinates: CANTON_TOWER });

  const km = await db
    .collection('places')
    .aggregate()
    .geoNear({ distanceField: 'at.km', spherical: true, near: Point(HERE[0], HERE[1]), distanceMultiplier: 0.001, limit: 1 })
    .end();
  t.is(km.list.length, 1);
  t.true(Math.abs(km.list[0].at.km - expected[0]! / 1000) < 1e-9);

  const ranged = await db
    .collection('places')
    .aggregate()
    .geoNear({ distanceField: 'd', spherical: true, near: Point(HERE[0], HERE[1]), minDistance: 5000, maxDistance: 1_900_000 })
    .group({ _id: null, ids: $.push('$_id') })
    .end();
  t.deepEqual(ranged.list[0].ids, ['baiyun', 'palace']);
});

test('aggregate geoNear: key picks among several geo indexes, and must come first', async (t) => {
  await db.collection('twoGeo').add({
    data: [
      { _id: 'a', home: Point(0, 0), work: Point(10, 10) },
      { _id: 'b', home: Point(10, 10), work: Point(0, 0.5) },
    ],
  });
  const ambiguous = await errorOf(
    db
      .collection('twoGeo')
      .aggregate()
      .geoNear({ distanceField: 'd', spherical: true, near: Point(0, 0) })
      .end(),
  );
  t.regex(String(ambiguous.errMsg), /key/);
  const byWork = await db
    .collection('twoGeo')
    .aggregate()
    .geoNear({ distanceField: 'd', spherical: true, near: Point(0, 0), key: 'work' })
    .end();
  t.deepEqual(
    byWork.list.map((d: Rec) => d._id),
    ['b', 'a'],
  );
  const notFirst = await errorOf(
    db
      .collection('twoGeo')
      .aggregate()
      .match({ _id: 'a' })
      .geoNear({ distanceField: 'd', spherical: true, near: Point(0, 0), key: 'home' })
      .end(),
  );
  t.regex(String(notFirst.errMsg), /first stage/);
});

test('node-sdk: geo queries and the geoNear stage answer the same', async (t) => {
  const nodeCmd = nodeDb.command;
  const res = await nodeDb
    .collection('places')
    .where({ location: nodeCmd.geoNear({ geometry: new nodeDb.Geo.Point(HERE[0], HERE[1]), maxDistance: 10_000 }) })
    .get();
  t.deepEqual(
    res.data.map((d: Rec) => d._id),
    ['canton', 'baiyun'],
  );
  const agg = await nodeDb
    .collection('places')
    .aggregate()
    .geoNear({ distanceField: 'distance', spherical: true, near: new nodeDb.Geo.Point(HERE[0], HERE[1]), limit: 2 })
    .end();
  t.deepEqual(
    agg.data.map((d: Rec) => d._id),
    ['canton', 'baiyun'],
  );
  t.true(Math.abs(agg.data[1].distance - haversine(HERE, BAIYUN_MOUNTAIN)) < 1e-6);
});
