import test from 'ava';
import { inspect } from 'node:util';
import { BSONRegExp, ObjectId } from 'bson';
import { type PipelineContext, type Stage, runPipeline } from '../src/db/aggregate.js';
import { evaluateExpression, expressionTruthy } from '../src/db/expression.js';
import { CloudBaseError } from '../src/errors.js';
import { type Doc, cloneValue } from '../src/db/values.js';

const NOW = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
// 2024-02-29T23:30:15.250Z, a Thursday; in Asia/Shanghai (+08:00) it is already Friday 1 March.
const LEAP = new Date(Date.UTC(2024, 1, 29, 23, 30, 15, 250));
const OID = new ObjectId('65a1b2c3d4e5f60718293a4b');

const DOC: Doc = {
  _id: 'd1',
  n: 5,
  neg: -2.5,
  f: 1.25,
  zero: 0,
  s: 'Hello World',
  cn: '你好世界',
  padded: '  hi  ',
  arr: [1, 2, 3],
  objs: [
    { p: 1, q: 'a' },
    { p: 2, q: 'b' },
  ],
  nil: null,
  o: { x: 1, y: { z: 'deep' } },
  d: LEAP,
  t: true,
  tags: ['b', 'a', 'b'],
  oid: OID,
};

type ExpressionCase = [name: string, expr: unknown, expected: unknown, doc?: Doc];

const expressionCases: ExpressionCase[] = [
  // references, literals, expression objects
  ['field path', '$n', 5],
  ['nested field path', '$o.y.z', 'deep'],
  ['field path through an array maps it', '$objs.p', [1, 2]],
  ['missing field is missing', '$nope', undefined],
  ['plain string is a literal', 'abc', 'abc'],
  ['$$ROOT', '$$ROOT.o.x', 1],
  ['$$CURRENT', '$$CURRENT.n', 5],
  ['$$REMOVE is missing', '$$REMOVE', undefined],
  ['$$NOW falls back to a date', { $type: '$$NOW' }, 'date'],
  ['$literal keeps $-strings', { $literal: '$n' }, '$n'],
  ['$literal keeps operator objects', { $literal: { $add: [1, 2] } }, { $add: [1, 2] }],
  ['expression object', { a: '$n', b: { c: '$o.x' } }, { a: 5, b: { c: 1 } }],
  ['expression object drops missing fields', { a: '$nope', b: 1 }, { b: 1 }],
  ['array literal turns missing into null', ['$n', '$nope'], [5, null]],
  ['date literal', LEAP, LEAP],
  // arithmetic
  ['$add numbers', { $add: ['$n', 2, '$f'] }, 8.25],
  ['$add date and ms', { $add: ['$d', 1000] }, new Date(LEAP.getTime() + 1000)],
  ['$add null', { $add: ['$n', null] }, null],
  ['$add missing', { $add: ['$n', '$nope'] }, null],
  ['$add is exact on tenths', { $add: [0.1, 0.2, 0.3, 0.4] }, 1],
  ['$subtract numbers', { $subtract: ['$n', 7] }, -2],
  ['$subtract dates gives ms', { $subtract: [{ $add: ['$d', 500] }, '$d'] }, 500],
  ['$subtract ms from date', { $subtract: ['$d', 250] }, new Date(LEAP.getTime() - 250)],
  ['$subtract null', { $subtract: [null, 1] }, null],
  ['$multiply', { $multiply: ['$n', '$neg', 2] }, -25],
  ['$multiply missing', { $multiply: ['$n', '$nope'] }, null],
  ['$divide', { $divide: ['$n', 2] }, 2.5],
  ['$divide null', { $divide: ['$nil', 2] }, null],
  ['$mod', { $mod: [17, 5] }, 2],
  ['$mod keeps the dividend sign', { $mod: [-17, 5] }, -2],
  ['$abs', { $abs: '$neg' }, 2.5],
  ['$abs in an array', { $abs: ['$neg'] }, 2.5],
  ['$abs null', { $abs: '$nil' }, null],
  ['$ceil', { $ceil: '$neg' }, -2],
  ['$floor', { $floor: '$neg' }, -3],
  ['$sqrt', { $sqrt: 16 }, 4],
  ['$pow', { $pow: [2, 10] }, 1024],
  ['$pow missing', { $pow: ['$nope', 2] }, null],
  ['$exp', { $exp: 0 }, 1],
  ['$ln', { $ln: 1 }, 0],
  ['$log10', { $log10: 1000 }, 3],
  ['$log', { $log: [8, 2] }, 3],
  ['$round half to even', { $round: [2.5, 0] }, 2],
  ['$round half to even upward', { $round: [3.5] }, 4],
  ['$round negative half', { $round: ['$neg'] }, -2],
  ['$round to cents', { $round: [1.005, 2] }, 1],
  ['$round to cents upward', { $round: [2.675, 2] }, 2.68],
  ['$round negative place', { $round: [1250, -2] }, 1200],
  ['$round null', { $round: ['$nil', 2] }, null],
  ['$trunc', { $trunc: [-2.789, 1] }, -2.7],
  ['$trunc default place', { $trunc: 9.99 }, 9],
  // comparison
  ['$eq', { $eq: ['$n', 5] }, true],
  ['$eq arrays', { $eq: ['$arr', [1, 2, 3]] }, true],
  ['$eq missing vs null is false', { $eq: ['$nope', null] }, false],
  ['$eq null vs null', { $eq: ['$nil', null] }, true],
  ['$eq missing vs missing', { $eq: ['$nope', '$nope2'] }, true],
  ['$ne', { $ne: ['$n', 5] }, false],
  ['$gt across types uses BSON order', { $gt: ['$s', 100] }, true],
  ['$gt', { $gt: ['$n', 4] }, true],
  ['$gte', { $gte: ['$n', 5] }, true],
  ['$lt', { $lt: ['$n', 5] }, false],
  ['$lte null catches null', { $lte: ['$nil', null] }, true],
  ['$lt missing is below null', { $lt: ['$nope', null] }, true],
  ['$cmp less', { $cmp: ['a', 'b'] }, -1],
  ['$cmp equal', { $cmp: ['$n', 5] }, 0],
  ['$cmp greater', { $cmp: [LEAP, NOW] }, 1],
  // boolean and conditional
  ['$and', { $and: [true, '$n', { $gt: ['$n', 1] }] }, true],
  ['$and with zero', { $and: [1, '$zero'] }, false],
  ['$and empty', { $and: [] }, true],
  ['$or', { $or: [false, '$nil', '$s'] }, true],
  ['$or with missing', { $or: ['$nope', 0] }, false],
  ['$not', { $not: ['$nil'] }, true],
  ['$not on truthy', { $not: '$arr' }, false],
  ['$cond array form', { $cond: [{ $gt: ['$n', 3] }, 'big', 'small'] }, 'big'],
  ['$cond object form', { $cond: { if: '$nil', then: 'yes', else: 'no' } }, 'no'],
  ['$ifNull non-null', { $ifNull: ['$n', 0] }, 5],
  ['$ifNull missing', { $ifNull: ['$nope', 'fallback'] }, 'fallback'],
  ['$ifNull null', { $ifNull: ['$nil', 'fallback'] }, 'fallback'],
  ['$ifNull several', { $ifNull: ['$nope', '$nil', '$s'] }, 'Hello World'],
  [
    '$switch',
    {
      $switch: {
        branches: [
          { case: { $lt: ['$n', 3] }, then: 'low' },
          { case: { $lt: ['$n', 10] }, then: 'mid' },
        ],
        default: 'high',
      },
    },
    'mid',
  ],
  ['$switch default', { $switch: { branches: [{ case: false, then: 1 }], default: 'd' } }, 'd'],
  // strings
  ['$concat', { $concat: ['$s', '!', '$cn'] }, 'Hello World!你好世界'],
  ['$concat null', { $concat: ['$s', '$nil'] }, null],
  ['$concat missing', { $concat: ['$s', '$nope'] }, null],
  ['$substr', { $substr: ['$s', 0, 5] }, 'Hello'],
  ['$substrBytes', { $substrBytes: ['$cn', 3, 6] }, '好世'],
  ['$substrBytes negative length takes the rest', { $substrBytes: ['$s', 6, -1] }, 'World'],
  ['$substrBytes past the end', { $substrBytes: ['$s', 50, 2] }, ''],
  ['$substrBytes of null', { $substrBytes: ['$nil', 0, 2] }, ''],
  ['$substrCP', { $substrCP: ['$cn', 1, 2] }, '好世'],
  ['$substrCP number coerces', { $substrCP: [12345, 1, 3] }, '234'],
  ['$toLower', { $toLower: '$s' }, 'hello world'],
  ['$toUpper', { $toUpper: '$s' }, 'HELLO WORLD'],
  ['$toUpper missing', { $toUpper: '$nope' }, ''],
  ['$strLenCP', { $strLenCP: '$cn' }, 4],
  ['$strLenBytes', { $strLenBytes: '$cn' }, 12],
  ['$split', { $split: ['a,b,,c', ','] }, ['a', 'b', '', 'c']],
  ['$split null', { $split: ['$nil', ','] }, null],
  ['$trim', { $trim: { input: '$padded' } }, 'hi'],
  ['$ltrim', { $ltrim: { input: '$padded' } }, 'hi  '],
  ['$rtrim', { $rtrim: { input: '$padded' } }, '  hi'],
  ['$trim chars', { $trim: { input: 'xxhixyx', chars: 'xy' } }, 'hi'],
  ['$trim null', { $trim: { input: '$nope' } }, null],
  ['$indexOfCP', { $indexOfCP: ['$cn', '世'] }, 2],
  ['$indexOfCP not found', { $indexOfCP: ['$s', 'z'] }, -1],
  ['$indexOfCP with start', { $indexOfCP: ['banana', 'a', 2] }, 3],
  ['$indexOfCP with end', { $indexOfCP: ['banana', 'a', 2, 3] }, -1],
  ['$indexOfCP null', { $indexOfCP: ['$nil', 'a'] }, null],
  ['$regexMatch string', { $regexMatch: { input: '$s', regex: '^hello', options: 'i' } }, true],
  ['$regexMatch regex object', { $regexMatch: { input: '$s', regex: new BSONRegExp('world$', 'i') } }, true],
  ['$regexMatch no match', { $regexMatch: { input: '$s', regex: '^World' } }, false],
  ['$regexMatch null input', { $regexMatch: { input: '$nil', regex: 'a' } }, false],
  ['$strcasecmp', { $strcasecmp: ['$s', 'HELLO world'] }, 0],
  ['$strcasecmp order', { $strcasecmp: ['abc', 'ABD'] }, -1],
  // arrays
  ['$size', { $size: '$arr' }, 3],
  ['$arrayElemAt', { $arrayElemAt: ['$arr', 1] }, 2],
  ['$arrayElemAt negative', { $arrayElemAt: ['$arr', -1] }, 3],
  ['$arrayElemAt out of range is missing', { $arrayElemAt: ['$arr', 5] }, undefined],
  ['$arrayElemAt null', { $arrayElemAt: ['$nope', 0] }, null],
  ['$first', { $first: '$arr' }, 1],
  ['$last', { $last: '$arr' }, 3],
  ['$first of empty is missing', { $first: [[]] }, undefined],
  ['$first of missing is null', { $first: '$nope' }, null],
  ['$in', { $in: [2, '$arr'] }, true],
  ['$in absent', { $in: [9, '$arr'] }, false],
  ['$in missing is not null', { $in: ['$nope', [null]] }, false],
  ['$indexOfArray', { $indexOfArray: ['$tags', 'b', 1] }, 2],
  ['$indexOfArray not found', { $indexOfArray: ['$tags', 'z'] }, -1],
  ['$indexOfArray null', { $indexOfArray: ['$nil', 'z'] }, null],
  ['$isArray', { $isArray: '$arr' }, true],
  ['$isArray literal list', { $isArray: [[1]] }, true],
  ['$isArray scalar', { $isArray: '$n' }, false],
  ['$slice first n', { $slice: ['$arr', 2] }, [1, 2]],
  ['$slice last n', { $slice: ['$arr', -2] }, [2, 3]],
  ['$slice position and n', { $slice: ['$arr', 1, 5] }, [2, 3]],
  ['$slice negative position', { $slice: ['$arr', -2, 1] }, [2]],
  ['$slice null', { $slice: ['$nope', 1] }, null],
  ['$concatArrays', { $concatArrays: ['$arr', [4], []] }, [1, 2, 3, 4]],
  ['$concatArrays null', { $concatArrays: ['$arr', '$nope'] }, null],
  ['$filter', { $filter: { input: '$arr', cond: { $gte: ['$$this', 2] } } }, [2, 3]],
  ['$filter as and limit', { $filter: { input: '$objs', as: 'o', cond: { $gt: ['$$o.p', 0] }, limit: 1 } }, [{ p: 1, q: 'a' }]],
  ['$filter reads the document too', { $filter: { input: '$arr', cond: { $lt: ['$$this', '$n'] } } }, [1, 2, 3]],
  ['$filter null', { $filter: { input: '$nope', cond: true } }, null],
  ['$map', { $map: { input: '$arr', as: 'x', in: { $multiply: ['$$x', 10] } } }, [10, 20, 30]],
  ['$map missing results become null', { $map: { input: '$objs', in: '$$this.nope' } }, [null, null]],
  ['$map null', { $map: { input: '$nil', in: 1 } }, null],
  ['$reduce', { $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }, 6],
  ['$reduce strings', { $reduce: { input: ['a', 'b'], initialValue: '>', in: { $concat: ['$$value', '$$this'] } } }, '>ab'],
  ['$reduce null', { $reduce: { input: '$nope', initialValue: 0, in: 1 } }, null],
  ['$reverseArray', { $reverseArray: '$arr' }, [3, 2, 1]],
  ['$reverseArray null', { $reverseArray: '$nil' }, null],
  ['$range', { $range: [0, 10, 3] }, [0, 3, 6, 9]],
  ['$range descending', { $range: [5, 0, -2] }, [5, 3, 1]],
  ['$range empty', { $range: [5, 0] }, []],
  ['$setUnion sorted and distinct', { $setUnion: ['$tags', ['c', 'a']] }, ['a', 'b', 'c']],
  ['$setUnion null', { $setUnion: ['$tags', '$nope'] }, null],
  [
    '$setIntersection',
    {
      $setIntersection: [
        [3, 1, 2, 2],
        [2, 3, 4],
      ],
    },
    [2, 3],
  ],
  ['$setDifference', { $setDifference: [[1, 2, 2, 3], [3]] }, [1, 2]],
  ['$setEquals', { $setEquals: ['$tags', ['a', 'b']] }, true],
  ['$setEquals unequal', { $setEquals: [[1], [1, 2]] }, false],
  ['$setIsSubset', { $setIsSubset: [['a'], '$tags'] }, true],
  ['$allElementsTrue', { $allElementsTrue: [[1, true, 'x']] }, true],
  ['$allElementsTrue with zero', { $allElementsTrue: [[1, 0]] }, false],
  ['$anyElementTrue', { $anyElementTrue: [[0, null, 2]] }, true],
  ['$anyElementTrue empty', { $anyElementTrue: [[]] }, false],
  ['$sum of an array field', { $sum: '$arr' }, 6],
  ['$sum of operands', { $sum: ['$n', '$f', 'text', null] }, 6.25],
  ['$sum of missing', { $sum: '$nope' }, 0],
  ['$sum of a mapped path', { $sum: '$objs.p' }, 3],
  ['$avg', { $avg: '$arr' }, 2],
  ['$avg of nothing numeric', { $avg: ['a', null] }, null],
  ['$min', { $min: '$arr' }, 1],
  ['$min skips null', { $min: [null, 4, '$nope', 2] }, 2],
  ['$max', { $max: ['$n', 10, 'str'] }, 'str'],
  ['$max of missing', { $max: '$nope' }, null],
  // types and conversion
  ['$type int', { $type: '$n' }, 'int'],
  ['$type double', { $type: '$f' }, 'double'],
  ['$type missing', { $type: '$nope' }, 'missing'],
  ['$type objectId', { $type: '$oid' }, 'objectId'],
  ['$type date', { $type: '$d' }, 'date'],
  ['$isNumber', { $isNumber: '$f' }, true],
  ['$isNumber string', { $isNumber: '5' }, false],
  ['$toString number', { $toString: '$f' }, '1.25'],
  ['$toString date', { $toString: '$d' }, '2024-02-29T23:30:15.250Z'],
  ['$toString objectId', { $toString: '$oid' }, '65a1b2c3d4e5f60718293a4b'],
  ['$toString bool', { $toString: true }, 'true'],
  ['$toString null', { $toString: '$nope' }, null],
  ['$toInt truncates', { $toInt: -2.9 }, -2],
  ['$toInt string', { $toInt: '42' }, 42],
  ['$toInt bool', { $toInt: true }, 1],
  ['$toLong date', { $toLong: '$d' }, LEAP.getTime()],
  ['$toDouble string', { $toDouble: '1.5e3' }, 1500],
  ['$toDouble date', { $toDouble: '$d' }, LEAP.getTime()],
  ['$toDecimal', { $toDecimal: '2.25' }, 2.25],
  ['$toBool zero', { $toBool: 0 }, false],
  ['$toBool empty string', { $toBool: '' }, true],
  ['$toBool null', { $toBool: null }, null],
  ['$toDate ms', { $toDate: LEAP.getTime() }, LEAP],
  ['$toDate ISO string', { $toDate: '2024-02-29T23:30:15.250Z' }, LEAP],
  ['$toDate ISO string without zone is UTC', { $toDate: '2024-02-29T23:30:15.250' }, LEAP],
  ['$toDate string with offset', { $toDate: '2024-03-01T07:30:15.250+08:00' }, LEAP],
  ['$toDate objectId', { $toDate: '$oid' }, OID.getTimestamp()],
  ['$toObjectId', { $toObjectId: '65a1b2c3d4e5f60718293a4b' }, OID],
  ['$convert', { $convert: { input: '12', to: 'int' } }, 12],
  ['$convert by type code', { $convert: { input: 12, to: 2 } }, '12'],
  ['$convert onError', { $convert: { input: 'abc', to: 'int', onError: -1 } }, -1],
  ['$convert onNull', { $convert: { input: '$nope', to: 'int', onNull: 0 } }, 0],
  ['$convert null without onNull', { $convert: { input: null, to: 'int' } }, null],
  // dates
  ['$year', { $year: '$d' }, 2024],
  ['$month', { $month: '$d' }, 2],
  ['$dayOfMonth', { $dayOfMonth: '$d' }, 29],
  ['$hour', { $hour: '$d' }, 23],
  ['$minute', { $minute: '$d' }, 30],
  ['$second', { $second: '$d' }, 15],
  ['$millisecond', { $millisecond: '$d' }, 250],
  ['$dayOfWeek (Thursday)', { $dayOfWeek: '$d' }, 5],
  ['$dayOfYear', { $dayOfYear: '$d' }, 60],
  ['$week', { $week: '$d' }, 8],
  ['$isoWeek', { $isoWeek: '$d' }, 9],
  ['$isoDayOfWeek', { $isoDayOfWeek: '$d' }, 4],
  ['$month with Olson timezone', { $month: { date: '$d', timezone: 'Asia/Shanghai' } }, 3],
  ['$dayOfMonth with offset timezone', { $dayOfMonth: { date: '$d', timezone: '+08:00' } }, 1],
  ['$dayOfWeek with timezone', { $dayOfWeek: { date: '$d', timezone: '+0800' } }, 6],
  ['$dayOfYear with timezone', { $dayOfYear: { date: '$d', timezone: '+08' } }, 61],
  ['$hour with negative timezone', { $hour: { date: '$d', timezone: '-05:00' } }, 18],
  ['$year in an array', { $year: ['$d'] }, 2024],
  ['$year of null', { $year: '$nil' }, null],
  ['$year of missing', { $year: '$nope' }, null],
  ['$year of objectId', { $year: '$oid' }, OID.getTimestamp().getUTCFullYear()],
  ['$hour with null timezone', { $hour: { date: '$d', timezone: null } }, null],
  ['$dateToString default format', { $dateToString: { date: '$d' } }, '2024-02-29T23:30:15.250Z'],
  [
    '$dateToString format',
    { $dateToString: { date: '$d', format: '%Y/%m/%d %H:%M:%S.%L day %j %%' } },
    '2024/02/29 23:30:15.250 day 060 %',
  ],
  [
    '$dateToString Olson timezone',
    { $dateToString: { date: '$d', format: '%Y-%m-%d %H:%M %z', timezone: 'Asia/Shanghai' } },
    '2024-03-01 07:30 +0800',
  ],
  ['$dateToString offset timezone', { $dateToString: { date: '$d', format: '%H:%M %Z', timezone: '+05:30' } }, '05:00 +330'],
  [
    '$dateToString default format with timezone has no Z',
    { $dateToString: { date: '$d', timezone: '+08:00' } },
    '2024-03-01T07:30:15.250',
  ],
  [
    '$dateToString DST zone',
    { $dateToString: { date: new Date(Date.UTC(2024, 6, 1, 12)), format: '%H', timezone: 'America/New_York' } },
    '08',
  ],
  ['$dateToString null', { $dateToString: { date: '$nope', format: '%Y' } }, null],
  ['$dateToString onNull', { $dateToString: { date: '$nil', onNull: 'n/a' } }, 'n/a'],
  // objects and variables
  ['$mergeObjects', { $mergeObjects: ['$o', { x: 2, w: 3 }, null] }, { x: 2, y: { z: 'deep' }, w: 3 }],
  ['$mergeObjects missing', { $mergeObjects: ['$nope'] }, {}],
  [
    '$objectToArray',
    { $objectToArray: { a: 1, b: 'x' } },
    [
      { k: 'a', v: 1 },
      { k: 'b', v: 'x' },
    ],
  ],
  ['$objectToArray null', { $objectToArray: '$nope' }, null],
  [
    '$arrayToObject pairs',
    {
      $arrayToObject: {
        $literal: [
          ['a', 1],
          ['b', 2],
        ],
      },
    },
    { a: 1, b: 2 },
  ],
  [
    '$arrayToObject k/v',
    {
      $arrayToObject: [
        [
          { k: 'a', v: 1 },
          { k: 'a', v: 3 },
        ],
      ],
    },
    { a: 3 },
  ],
  ['$arrayToObject null', { $arrayToObject: '$nil' }, null],
  ['$getField shorthand', { $getField: 'n' }, 5],
  ['$getField dotted name is literal', { $getField: { field: 'a.b', input: { $literal: { 'a.b': 7 } } } }, 7],
  ['$getField $-name via $literal', { $getField: { field: { $literal: '$price' }, input: { $literal: { $price: 3 } } } }, 3],
  ['$getField from null input', { $getField: { field: 'x', input: '$nil' } }, null],
  ['$getField absent field', { $getField: { field: 'x', input: {} } }, undefined],
  ['$let', { $let: { vars: { total: { $add: ['$n', 1] }, k: 2 }, in: { $multiply: ['$$total', '$$k'] } } }, 12],
  ['$let nested', { $let: { vars: { a: 1 }, in: { $let: { vars: { b: { $add: ['$$a', 1] } }, in: ['$$a', '$$b'] } } } }, [1, 2]],
  ['$let rebinds CURRENT', { $let: { vars: { CURRENT: '$o' }, in: '$x' } }, 1],
];

for (const [name, expr, expected, doc] of expressionCases) {
  test(`expression: ${name}`, (t) => {
    t.deepEqual(evaluateExpression(expr, doc ?? DOC), expected);
  });
}

test('expression: user variables and $$NOW come from vars', (t) => {
  t.is(evaluateExpression({ $add: ['$$base', '$n'] }, DOC, { base: 10 }), 15);
  t.deepEqual(evaluateExpression('$$NOW', DOC, { NOW }), NOW);
  t.is(evaluateExpression('$$obj.p', DOC, { obj: { p: 'q' } }), 'q');
});

test('expression: does not mutate the document', (t) => {
  const doc = cloneValue(DOC);
  evaluateExpression({ $reverseArray: '$arr' }, doc);
  evaluateExpression({ $mergeObjects: ['$o', { x: 9 }] }, doc);
  t.deepEqual(doc, DOC);
});

test('expressionTruthy', (t) => {
  for (const falsy of [false, null, undefined, 0, -0]) t.false(expressionTruthy(falsy), String(falsy));
  for (const truthy of [true, 1, -1, NaN, '', 'x', [], {}, LEAP]) t.true(expressionTruthy(truthy), inspect(truthy));
});

type ErrorCase = [name: string, expr: unknown, message: RegExp];

const expressionErrors: ErrorCase[] = [
  ['unknown operator', { $frobnicate: 1 }, /aggregation operator \$frobnicate is not supported/],
  ['unknown operator nested', { $add: [1, { $sortArray: { input: [] } }] }, /\$sortArray is not supported/],
  ['two operators in one object', { $add: [1], $subtract: [1, 2] }, /exactly one field/],
  ['undefined variable', '$$nope', /undefined variable: nope/],
  ['bare $', '$', /not a valid field path/],
  ['$add with a string', { $add: [1, 'a'] }, /\$add only supports numeric or date types, not string/],
  ['$add with two dates', { $add: ['$d', '$d'] }, /only one date/],
  ['$subtract date from number', { $subtract: [1, '$d'] }, /can't \$subtract date from int/],
  ['$multiply string', { $multiply: [2, 'x'] }, /only supports numeric types, not string/],
  ['$divide by zero', { $divide: [1, 0] }, /can't \$divide by zero/],
  ['$mod by zero', { $mod: [1, 0] }, /can't \$mod by zero/],
  ['$divide arity', { $divide: [1] }, /takes exactly 2 arguments. 1 were passed in/],
  ['$sqrt negative', { $sqrt: -1 }, /greater than or equal to 0/],
  ['$ln zero', { $ln: 0 }, /positive number/],
  ['$pow zero to negative', { $pow: [0, -1] }, /base of 0 and a negative exponent/],
  ['$round bad place', { $round: [1, 101] }, /\[-20, 100\]/],
  ['$abs string', { $abs: 'x' }, /only supports numeric types/],
  ['$eq arity', { $eq: [1] }, /takes exactly 2 arguments/],
  ['$cond missing else', { $cond: { if: true, then: 1 } }, /Missing 'else' parameter to \$cond/],
  ['$cond bad parameter', { $cond: { if: true, then: 1, else: 2, other: 3 } }, /Unrecognized parameter to \$cond: other/],
  ['$switch no match', { $switch: { branches: [{ case: false, then: 1 }] } }, /could not find a matching branch/],
  ['$switch no branches', { $switch: { branches: [] } }, /at least one branch/],
  ['$concat number', { $concat: ['a', 1] }, /\$concat only supports strings, not int/],
  ['$substrCP negative start', { $substrCP: ['abc', -1, 1] }, /starting index must be nonnegative/],
  ['$substrBytes inside a character', { $substrBytes: ['$cn', 1, 3] }, /continuation byte/],
  ['$toLower object', { $toLower: '$o' }, /can't convert from BSON type object to String/],
  ['$strLenCP missing', { $strLenCP: '$nope' }, /requires a string argument, found: missing/],
  ['$split empty separator', { $split: ['abc', ''] }, /non-empty separator/],
  ['$split number', { $split: [1, ','] }, /\$split requires an expression that evaluates to a string/],
  ['$trim number', { $trim: { input: 5 } }, /\$trim requires its input to be a string/],
  ['$regexMatch bad options', { $regexMatch: { input: 'a', regex: 'a', options: 'g' } }, /invalid flag in regex options: g/],
  [
    '$regexMatch options twice',
    { $regexMatch: { input: 'a', regex: new BSONRegExp('a', 'i'), options: 'm' } },
    /both 'regex' and 'option'/,
  ],
  ['$size of missing', { $size: '$nope' }, /must be an array. Type of argument was: missing/],
  ['$arrayElemAt fractional index', { $arrayElemAt: ['$arr', 1.5] }, /32-bit integer/],
  ['$first of a string', { $first: 'abc' }, /\$first's argument must be an array, but is string/],
  ['$first with several operands', { $first: [1, 2] }, /takes exactly 1 arguments/],
  ['$in without an array', { $in: [1, '$nope'] }, /\$in requires an array as a second argument, found: missing/],
  ['$slice non-positive count', { $slice: ['$arr', 0, 0] }, /must be positive/],
  ['$concatArrays scalar', { $concatArrays: ['$arr', 1] }, /only supports arrays, not int/],
  ['$filter non-array', { $filter: { input: '$n', cond: true } }, /input to \$filter must be an array not int/],
  ['$filter bad variable name', { $filter: { input: '$arr', as: 'X', cond: true } }, /invalid variable name/],
  ['$map without in', { $map: { input: '$arr' } }, /Missing 'in' parameter to \$map/],
  ['$range zero step', { $range: [0, 5, 0] }, /non-zero step/],
  ['$setEquals null', { $setEquals: ['$arr', null] }, /must be arrays/],
  ['$allElementsTrue of missing', { $allElementsTrue: '$nope' }, /must be an array, but is missing/],
  ['$toInt overflow', { $toInt: 2 ** 40 }, /overflow/],
  ['$toInt fraction string', { $toInt: '1.5' }, /Failed to parse number '1.5'/],
  ['$toInt of a date', { $toInt: '$d' }, /Unsupported conversion from date to int/],
  ['$toDouble bad string', { $toDouble: 'abc' }, /Failed to parse number 'abc'/],
  ['$toDate bad string', { $toDate: 'yesterday' }, /Error parsing date string/],
  ['$toObjectId bad string', { $toObjectId: 'xyz' }, /Failed to parse objectId/],
  ['$convert unknown type', { $convert: { input: 1, to: 'javascript' } }, /\$convert to "javascript" is not supported/],
  ['$year of a string', { $year: 'x' }, /can't convert from BSON type string to Date/],
  [
    '$hour bad timezone',
    { $hour: { date: '$d', timezone: 'Mars/Olympus' } },
    /unrecognized time zone identifier: "Mars\/Olympus"/,
  ],
  ['$dateToString bad format', { $dateToString: { date: '$d', format: '%Q' } }, /invalid format character '%Q'/],
  ['$dateToString trailing %', { $dateToString: { date: '$d', format: '%Y%' } }, /unmatched '%'/],
  ['$mergeObjects scalar', { $mergeObjects: ['$o', 5] }, /requires object inputs/],
  ['$objectToArray scalar', { $objectToArray: 5 }, /requires a document input, found: int/],
  ['$arrayToObject mixed', { $arrayToObject: { $literal: [['a', 1], { k: 'b', v: 2 }] } }, /consistent input format/],
  ['$arrayToObject bad key', { $arrayToObject: { $literal: [[1, 2]] } }, /key to be of type string/],
  ['$getField field path', { $getField: '$n' }, /constant string/],
  ['$getField scalar input', { $getField: { field: 'a', input: 5 } }, /'input' to evaluate to type Object/],
  ['$let bad name', { $let: { vars: { Total: 1 }, in: 1 } }, /invalid variable name "Total"/],
  ['field name with a dot', { 'a.b': 1 }, /may not contain '.'/],
];

for (const [name, expr, message] of expressionErrors) {
  test(`expression error: ${name}`, (t) => {
    const err = t.throws(() => evaluateExpression(expr, DOC), { instanceOf: CloudBaseError, message });
    t.is(err?.code, 'INVALID_PARAM');
  });
}

// ---- pipelines

const ORDERS: Doc[] = [
  {
    _id: 'o1',
    user: 'u1',
    status: 'paid',
    amount: 300,
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
    ],
    createdAt: new Date(Date.UTC(2024, 0, 1, 20)),
  },
  {
    _id: 'o2',
    user: 'u2',
    status: 'paid',
    amount: 150,
    items: [{ sku: 'a', qty: 3 }],
    createdAt: new Date(Date.UTC(2024, 0, 2, 1)),
  },
  { _id: 'o3', user: 'u1', status: 'cancelled', amount: 80, items: [], createdAt: new Date(Date.UTC(2024, 0, 2, 17)) },
  { _id: 'o4', user: 'u3', status: 'pending', amount: 220, createdAt: new Date(Date.UTC(2024, 0, 3, 9)) },
];
const USERS: Doc[] = [
  { _id: 'u1', name: 'Ann', tags: ['vip', 'early'] },
  { _id: 'u2', name: 'Bo', tags: ['early'] },
  { _id: 'u4', name: 'Cy' },
];
const SKUS: Doc[] = [
  { _id: 's1', code: 'a', price: 100 },
  { _id: 's2', code: 'b', price: 25 },
  { _id: 's3', code: 'c', price: 7 },
];
const NUMBERS: Doc[] = [1, 2, 2, 3, 4, 5, 6, 7, 8, 9].map((v, i) => ({ _id: i, v }));
const COLLECTIONS: Record<string, Doc[]> = { orders: ORDERS, users: USERS, skus: SKUS, numbers: NUMBERS };

function context(random?: () => number): PipelineContext {
  return {
    now: NOW,
    random,
    loadCollection(name) {
      const docs = COLLECTIONS[name];
      if (!docs) throw new CloudBaseError('DATABASE_COLLECTION_NOT_EXIST', `collection ${name} does not exist`);
      return docs;
    },
  };
}

function stages(raw: Doc[]): Stage[] {
  return raw.map((s) => {
    const name = Object.keys(s)[0]!;
    return { name, value: s[name] };
  });
}

function run(input: Doc[], pipeline: Doc[], random?: () => number): Doc[] {
  return runPipeline(input, stages(pipeline), context(random));
}

type PipelineCase = [name: string, input: Doc[], pipeline: Doc[], expected: Doc[]];

const A = [{ _id: 1, a: 1, b: { c: 1, d: 2 }, arr: [{ c: 1, d: 2 }, 3] }];

const pipelineCases: PipelineCase[] = [
  ['empty pipeline returns the input', ORDERS, [], ORDERS],
  // $match
  ['$match equality', ORDERS, [{ $match: { status: 'paid' } }], [ORDERS[0]!, ORDERS[1]!]],
  ['$match with $expr', ORDERS, [{ $match: { $expr: { $gt: ['$amount', 200] } } }], [ORDERS[0]!, ORDERS[3]!]],
  ['$match with $$NOW', ORDERS, [{ $match: { $expr: { $lt: ['$createdAt', '$$NOW'] } } }, { $count: 'n' }], [{ n: 2 }]],
  // $project
  ['$project inclusion keeps _id', A, [{ $project: { a: 1 } }], [{ _id: 1, a: 1 }]],
  ['$project inclusion without _id', A, [{ $project: { a: 1, _id: 0 } }], [{ a: 1 }]],
  ['$project nested path', A, [{ $project: { 'b.c': 1 } }], [{ _id: 1, b: { c: 1 } }]],
  ['$project nested object form', A, [{ $project: { b: { d: true } } }], [{ _id: 1, b: { d: 2 } }]],
  ['$project through an array drops scalars', A, [{ $project: { 'arr.c': 1 } }], [{ _id: 1, arr: [{ c: 1 }] }]],
  [
    '$project computed fields',
    A,
    [{ $project: { sum: { $add: ['$a', '$b.d'] }, label: { $literal: 1 }, k: 'const' } }],
    [{ _id: 1, sum: 3, label: 1, k: 'const' }],
  ],
  [
    '$project computed nested path',
    A,
    [{ $project: { 'b.e': { $multiply: ['$b.d', 10] }, 'b.c': 1 } }],
    [{ _id: 1, b: { c: 1, e: 20 } }],
  ],
  [
    '$project computed $$REMOVE omits field',
    A,
    [{ $project: { a: 1, x: { $cond: [false, 1, '$$REMOVE'] } } }],
    [{ _id: 1, a: 1 }],
  ],
  ['$project computed _id', A, [{ $project: { _id: '$a' } }], [{ _id: 1 }]],
  ['$project exclusion', A, [{ $project: { b: 0, arr: 0 } }], [{ _id: 1, a: 1 }]],
  [
    '$project exclusion nested and through arrays',
    A,
    [{ $project: { 'b.c': 0, 'arr.d': 0 } }],
    [{ _id: 1, a: 1, b: { d: 2 }, arr: [{ c: 1 }, 3] }],
  ],
  ['$project exclusion of _id only', A, [{ $project: { _id: 0 } }], [{ a: 1, b: { c: 1, d: 2 }, arr: [{ c: 1, d: 2 }, 3] }]],
  // $addFields / $set / $unset
  [
    '$addFields',
    A,
    [{ $addFields: { total: { $add: ['$a', 1] }, a: 'replaced' } }],
    [{ _id: 1, a: 'replaced', b: { c: 1, d: 2 }, arr: [{ c: 1, d: 2 }, 3], total: 2 }],
  ],
  [
    '$addFields nested object merges',
    A,
    [{ $addFields: { b: { e: 5 } } }],
    [{ _id: 1, a: 1, b: { c: 1, d: 2, e: 5 }, arr: [{ c: 1, d: 2 }, 3] }],
  ],
  ['$addFields empty object sets {}', [{ _id: 1, b: { c: 1 } }], [{ $addFields: { b: {} } }], [{ _id: 1, b: {} }]],
  [
    '$addFields into array elements',
    A,
    [{ $addFields: { 'arr.e': 0 } }, { $project: { arr: 1, _id: 0 } }],
    [{ arr: [{ c: 1, d: 2, e: 0 }, { e: 0 }] }],
  ],
  ['$addFields $$REMOVE removes', A, [{ $addFields: { b: '$$REMOVE', arr: '$$REMOVE' } }], [{ _id: 1, a: 1 }]],
  ['$set alias', [{ _id: 1 }], [{ $set: { 'x.y': 1 } }], [{ _id: 1, x: { y: 1 } }]],
  ['$unset string', A, [{ $unset: 'arr' }, { $unset: 'b.c' }], [{ _id: 1, a: 1, b: { d: 2 } }]],
  ['$unset array', A, [{ $unset: ['arr', 'b', 'a'] }], [{ _id: 1 }]],
  // $group
  [
    '$group by field with every accumulator',
    ORDERS,
    [
      {
        $group: {
          _id: '$user',
          total: { $sum: '$amount' },
          orders: { $sum: 1 },
          n: { $count: {} },
          avg: { $avg: '$amount' },
          min: { $min: '$amount' },
          max: { $max: '$amount' },
          first: { $first: '$status' },
          last: { $last: '$status' },
          statuses: { $push: '$status' },
          uniq: { $addToSet: '$user' },
          sd: { $stdDevPop: '$amount' },
          sds: { $stdDevSamp: '$amount' },
          merged: { $mergeObjects: { $arrayToObject: [[{ k: '$status', v: '$amount' }]] } },
        },
      },
    ],
    [
      {
        _id: 'u1',
        total: 380,
        orders: 2,
        n: 2,
        avg: 190,
        min: 80,
        max: 300,
        first: 'paid',
        last: 'cancelled',
        statuses: ['paid', 'cancelled'],
        uniq: ['u1'],
        sd: 110,
        sds: Math.sqrt(24200),
        merged: { paid: 300, cancelled: 80 },
      },
      {
        _id: 'u2',
        total: 150,
        orders: 1,
        n: 1,
        avg: 150,
        min: 150,
        max: 150,
        first: 'paid',
        last: 'paid',
        statuses: ['paid'],
        uniq: ['u2'],
        sd: 0,
        sds: null,
        merged: { paid: 150 },
      },
      {
        _id: 'u3',
        total: 220,
        orders: 1,
        n: 1,
        avg: 220,
        min: 220,
        max: 220,
        first: 'pending',
        last: 'pending',
        statuses: ['pending'],
        uniq: ['u3'],
        sd: 0,
        sds: null,
        merged: { pending: 220 },
      },
    ],
  ],
  [
    '$group null _id totals everything',
    ORDERS,
    [{ $group: { _id: null, total: { $sum: '$amount' } } }],
    [{ _id: null, total: 750 }],
  ],
  [
    '$group by object _id',
    ORDERS,
    [{ $group: { _id: { u: '$user', s: '$status' }, c: { $sum: 1 } } }, { $match: { c: 1, '_id.u': 'u1' } }],
    [
      { _id: { u: 'u1', s: 'paid' }, c: 1 },
      { _id: { u: 'u1', s: 'cancelled' }, c: 1 },
    ],
  ],
  [
    '$group by expression',
    ORDERS,
    [
      {
        $group: { _id: { $dateToString: { date: '$createdAt', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' } }, n: { $sum: 1 } },
      },
    ],
    [
      { _id: '2024-01-02', n: 2 },
      { _id: '2024-01-03', n: 2 },
    ],
  ],
  [
    '$group missing key groups with null',
    [{ _id: 1 }, { _id: 2, k: null }, { _id: 3, k: 'x' }],
    [{ $group: { _id: '$k', ids: { $push: '$_id' } } }],
    [
      { _id: null, ids: [1, 2] },
      { _id: 'x', ids: [3] },
    ],
  ],
  [
    '$group accumulators over missing values',
    [{ _id: 1 }, { _id: 2, v: 'x' }],
    [
      {
        $group: {
          _id: null,
          s: { $sum: '$v' },
          a: { $avg: '$v' },
          m: { $max: '$nope' },
          f: { $first: '$v' },
          p: { $push: '$v' },
          set: { $addToSet: '$v' },
          sd: { $stdDevPop: '$v' },
          mo: { $mergeObjects: '$nope' },
        },
      },
    ],
    [{ _id: null, s: 0, a: null, m: null, f: null, p: ['x'], set: ['x'], sd: null, mo: {} }],
  ],
  [
    '$group $sum does not add up arrays',
    [
      { _id: 1, v: [1, 2] },
      { _id: 2, v: 3 },
    ],
    [{ $group: { _id: null, s: { $sum: '$v' } } }],
    [{ _id: null, s: 3 }],
  ],
  [
    '$group $addToSet compares values',
    [
      { _id: 1, v: { a: 1 } },
      { _id: 2, v: { a: 1 } },
      { _id: 3, v: 1 },
      { _id: 4, v: 1.0 },
    ],
    [{ $group: { _id: null, s: { $addToSet: '$v' } } }],
    [{ _id: null, s: [{ a: 1 }, 1] }],
  ],
  ['$group on empty input yields nothing', [], [{ $group: { _id: null, n: { $sum: 1 } } }], []],
  [
    '$group $sum of money is exact',
    [0.1, 0.2, 0.3, 0.4].map((v, i) => ({ _id: i, v })),
    [{ $group: { _id: null, s: { $sum: '$v' } } }],
    [{ _id: null, s: 1 }],
  ],
  // $sort, $skip, $limit, $count
  [
    '$sort descending with tie-break',
    ORDERS,
    [{ $sort: { user: 1, amount: -1 } }, { $project: { _id: 1 } }],
    [{ _id: 'o1' }, { _id: 'o3' }, { _id: 'o2' }, { _id: 'o4' }],
  ],
  [
    '$skip and $limit',
    NUMBERS,
    [{ $sort: { v: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 0, v: 1 } }],
    [{ v: 8 }, { v: 7 }],
  ],
  ['$skip 0', [{ _id: 1 }], [{ $skip: 0 }], [{ _id: 1 }]],
  ['$skip past the end', [{ _id: 1 }], [{ $skip: 5 }], []],
  ['$count', ORDERS, [{ $match: { status: 'paid' } }, { $count: 'paidOrders' }], [{ paidOrders: 2 }]],
  ['$count of nothing is no document', ORDERS, [{ $match: { status: 'none' } }, { $count: 'n' }], []],
  // $unwind
  [
    '$unwind string',
    [{ _id: 1, a: [1, 2] }, { _id: 2, a: [] }, { _id: 3 }, { _id: 4, a: null }, { _id: 5, a: 'x' }],
    [{ $unwind: '$a' }],
    [
      { _id: 1, a: 1 },
      { _id: 1, a: 2 },
      { _id: 5, a: 'x' },
    ],
  ],
  [
    '$unwind preserve and index',
    [{ _id: 1, a: [1, 2] }, { _id: 2, a: [] }, { _id: 3 }, { _id: 4, a: null }, { _id: 5, a: 'x' }],
    [{ $unwind: { path: '$a', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }],
    [
      { _id: 1, a: 1, i: 0 },
      { _id: 1, a: 2, i: 1 },
      { _id: 2, i: null },
      { _id: 3, i: null },
      { _id: 4, a: null, i: null },
      { _id: 5, a: 'x', i: null },
    ],
  ],
  [
    '$unwind nested path',
    [{ _id: 1, o: { list: ['a', 'b'], k: 1 } }],
    [{ $unwind: '$o.list' }],
    [
      { _id: 1, o: { list: 'a', k: 1 } },
      { _id: 1, o: { list: 'b', k: 1 } },
    ],
  ],
  [
    '$unwind then $group',
    ORDERS,
    [{ $unwind: '$items' }, { $group: { _id: '$items.sku', qty: { $sum: '$items.qty' } } }, { $sort: { _id: 1 } }],
    [
      { _id: 'a', qty: 4 },
      { _id: 'b', qty: 2 },
    ],
  ],
  // $lookup
  [
    '$lookup equality',
    ORDERS.slice(0, 3),
    [{ $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } }, { $project: { 'u.name': 1 } }],
    [
      { _id: 'o1', u: [{ name: 'Ann' }] },
      { _id: 'o2', u: [{ name: 'Bo' }] },
      { _id: 'o3', u: [{ name: 'Ann' }] },
    ],
  ],
  [
    '$lookup no match gives []',
    [ORDERS[3]!],
    [{ $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } }, { $project: { u: 1 } }],
    [{ _id: 'o4', u: [] }],
  ],
  [
    '$lookup local array matches any element',
    [{ _id: 1, codes: ['a', 'c'] }],
    [{ $lookup: { from: 'skus', localField: 'codes', foreignField: 'code', as: 's' } }, { $project: { 's._id': 1 } }],
    [{ _id: 1, s: [{ _id: 's1' }, { _id: 's3' }] }],
  ],
  [
    '$lookup path through array',
    [{ _id: 1, items: [{ sku: 'b' }, { sku: 'a' }] }],
    [{ $lookup: { from: 'skus', localField: 'items.sku', foreignField: 'code', as: 's' } }, { $project: { 's.price': 1 } }],
    [{ _id: 1, s: [{ price: 100 }, { price: 25 }] }],
  ],
  [
    '$lookup foreign array contains local value',
    [{ _id: 1, tag: 'early' }],
    [{ $lookup: { from: 'users', localField: 'tag', foreignField: 'tags', as: 'u' } }, { $project: { 'u._id': 1 } }],
    [{ _id: 1, u: [{ _id: 'u1' }, { _id: 'u2' }] }],
  ],
  [
    '$lookup missing local matches missing foreign',
    [{ _id: 1 }],
    [{ $lookup: { from: 'users', localField: 'tag', foreignField: 'tags', as: 'u' } }, { $project: { 'u._id': 1 } }],
    [{ _id: 1, u: [{ _id: 'u4' }] }],
  ],
  [
    '$lookup into a nested as',
    [{ _id: 1, user: 'u2' }],
    [{ $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'x.u' } }, { $project: { 'x.u.name': 1, _id: 0 } }],
    [{ x: { u: [{ name: 'Bo' }] } }],
  ],
  [
    '$lookup pipeline with let',
    [
      { _id: 1, max: 30 },
      { _id: 2, max: 5 },
    ],
    [
      {
        $lookup: {
          from: 'skus',
          let: { limit: '$max' },
          pipeline: [{ $match: { $expr: { $lte: ['$price', '$$limit'] } } }, { $project: { _id: 0, code: 1 } }],
          as: 'cheap',
        },
      },
    ],
    [
      { _id: 1, max: 30, cheap: [{ code: 'b' }, { code: 'c' }] },
      { _id: 2, max: 5, cheap: [] },
    ],
  ],
  [
    '$lookup pipeline without let',
    [{ _id: 1 }],
    [{ $lookup: { from: 'skus', pipeline: [{ $group: { _id: null, n: { $sum: 1 } } }], as: 'stats' } }],
    [{ _id: 1, stats: [{ _id: null, n: 3 }] }],
  ],
  [
    '$lookup pipeline vars reach $addFields',
    [{ _id: 1, k: 2 }],
    [
      {
        $lookup: {
          from: 'skus',
          let: { k: '$k' },
          pipeline: [{ $match: { code: 'a' } }, { $project: { _id: 0, v: { $multiply: ['$price', '$$k'] } } }],
          as: 'r',
        },
      },
    ],
    [{ _id: 1, k: 2, r: [{ v: 200 }] }],
  ],
  [
    '$lookup equality plus pipeline',
    [{ _id: 1, code: 'a' }],
    [
      {
        $lookup: {
          from: 'skus',
          localField: 'code',
          foreignField: 'code',
          pipeline: [{ $project: { _id: 0, price: 1 } }],
          as: 'p',
        },
      },
    ],
    [{ _id: 1, code: 'a', p: [{ price: 100 }] }],
  ],
  [
    'nested $lookup sees outer vars',
    [{ _id: 1, k: 'a' }],
    [
      {
        $lookup: {
          from: 'skus',
          let: { outer: '$k' },
          as: 'r',
          pipeline: [
            { $match: { $expr: { $eq: ['$code', '$$outer'] } } },
            {
              $lookup: {
                from: 'users',
                let: { code: '$code' },
                as: 'u',
                pipeline: [{ $match: { $expr: { $eq: ['$$outer', '$$code'] } } }, { $count: 'n' }],
              },
            },
            { $project: { _id: 0, u: 1 } },
          ],
        },
      },
    ],
    [{ _id: 1, k: 'a', r: [{ u: [{ n: 3 }] }] }],
  ],
  // $replaceRoot / $replaceWith
  ['$replaceRoot', [{ _id: 1, inner: { a: 1 } }], [{ $replaceRoot: { newRoot: '$inner' } }], [{ a: 1 }]],
  [
    '$replaceRoot with $mergeObjects',
    [{ _id: 1, inner: { a: 1 } }],
    [{ $replaceRoot: { newRoot: { $mergeObjects: [{ a: 0, b: 0 }, '$inner'] } } }],
    [{ a: 1, b: 0 }],
  ],
  [
    '$replaceWith',
    [{ _id: 1, x: 2 }],
    [{ $replaceWith: { id: '$_id', double: { $multiply: ['$x', 2] } } }],
    [{ id: 1, double: 4 }],
  ],
  // $sortByCount
  [
    '$sortByCount',
    ORDERS,
    [{ $sortByCount: '$status' }],
    [
      { _id: 'paid', count: 2 },
      { _id: 'cancelled', count: 1 },
      { _id: 'pending', count: 1 },
    ],
  ],
  [
    '$sortByCount ties keep first-seen order',
    NUMBERS,
    [{ $sortByCount: { $mod: ['$v', 2] } }],
    [
      { _id: 1, count: 5 },
      { _id: 0, count: 5 },
    ],
  ],
  // $bucket
  [
    '$bucket with default count',
    NUMBERS,
    [{ $bucket: { groupBy: '$v', boundaries: [0, 3, 6, 10] } }],
    [
      { _id: 0, count: 3 },
      { _id: 3, count: 3 },
      { _id: 6, count: 4 },
    ],
  ],
  [
    '$bucket with default bucket and output',
    NUMBERS,
    [{ $bucket: { groupBy: '$v', boundaries: [2, 5, 8], default: 'other', output: { n: { $sum: 1 }, vs: { $push: '$v' } } } }],
    [
      { _id: 2, n: 4, vs: [2, 2, 3, 4] },
      { _id: 5, n: 3, vs: [5, 6, 7] },
      { _id: 'other', n: 3, vs: [1, 8, 9] },
    ],
  ],
  [
    '$bucket default below boundaries sorts first',
    NUMBERS,
    [{ $bucket: { groupBy: '$v', boundaries: [5, 10], default: -1 } }],
    [
      { _id: -1, count: 5 },
      { _id: 5, count: 5 },
    ],
  ],
  [
    '$bucket missing values go to default',
    [{ _id: 1 }, { _id: 2, v: 1 }],
    [{ $bucket: { groupBy: '$v', boundaries: [0, 5], default: 'none' } }],
    [
      { _id: 0, count: 1 },
      { _id: 'none', count: 1 },
    ],
  ],
  [
    '$bucket skips empty buckets',
    [{ _id: 1, v: 7 }],
    [{ $bucket: { groupBy: '$v', boundaries: [0, 5, 10] } }],
    [{ _id: 5, count: 1 }],
  ],
  // $bucketAuto
  [
    '$bucketAuto even split',
    NUMBERS,
    [{ $bucketAuto: { groupBy: '$v', buckets: 3 } }],
    [
      { _id: { min: 1, max: 3 }, count: 3 },
      { _id: { min: 3, max: 6 }, count: 3 },
      { _id: { min: 6, max: 9 }, count: 4 },
    ],
  ],
  [
    '$bucketAuto keeps equal keys together',
    [1, 1, 1, 2, 3].map((v, i) => ({ _id: i, v })),
    [{ $bucketAuto: { groupBy: '$v', buckets: 2, output: { vs: { $push: '$v' } } } }],
    [
      { _id: { min: 1, max: 2 }, vs: [1, 1, 1] },
      { _id: { min: 2, max: 3 }, vs: [2, 3] },
    ],
  ],
  [
    '$bucketAuto more buckets than docs',
    [
      { _id: 1, v: 'b' },
      { _id: 2, v: 'a' },
    ],
    [{ $bucketAuto: { groupBy: '$v', buckets: 5 } }],
    [
      { _id: { min: 'a', max: 'b' }, count: 1 },
      { _id: { min: 'b', max: 'b' }, count: 1 },
    ],
  ],
  ['$bucketAuto empty input', [], [{ $bucketAuto: { groupBy: '$v', buckets: 2 } }], []],
  // $facet
  [
    '$facet',
    ORDERS,
    [{ $facet: { byStatus: [{ $sortByCount: '$status' }, { $limit: 1 }], total: [{ $count: 'n' }] } }],
    [{ byStatus: [{ _id: 'paid', count: 2 }], total: [{ n: 4 }] }],
  ],
  ['$facet on empty input', [], [{ $facet: { all: [{ $skip: 0 }] } }], [{ all: [] }]],
  // combinations, as the shop uses them
  [
    'sales by day in Beijing time',
    ORDERS,
    [
      { $match: { status: 'paid' } },
      {
        $group: {
          _id: { $dateToString: { date: '$createdAt', format: '%m-%d', timezone: '+08:00' } },
          revenue: { $sum: '$amount' },
          orders: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ],
    [{ _id: '01-02', revenue: 450, orders: 2 }],
  ],
  [
    'top skus with price',
    ORDERS,
    [
      { $unwind: '$items' },
      { $group: { _id: '$items.sku', qty: { $sum: '$items.qty' } } },
      { $lookup: { from: 'skus', localField: '_id', foreignField: 'code', as: 'sku' } },
      { $project: { _id: 0, code: '$_id', qty: 1, revenue: { $multiply: ['$qty', { $first: '$sku.price' }] } } },
      { $sort: { revenue: -1 } },
    ],
    [
      { qty: 4, code: 'a', revenue: 400 },
      { qty: 2, code: 'b', revenue: 50 },
    ],
  ],
];

for (const [name, input, pipeline, expected] of pipelineCases) {
  test(`pipeline: ${name}`, (t) => {
    t.deepEqual(run(input, pipeline), expected);
  });
}

test('pipeline: never mutates the input documents', (t) => {
  const input = structuredClone(ORDERS);
  const before = structuredClone(input);
  const output = run(input, [
    { $addFields: { 'items.flag': true, extra: '$items' } },
    { $unwind: { path: '$items', includeArrayIndex: 'i' } },
    { $set: { 'items.qty': 0 } },
    { $lookup: { from: 'users', localField: 'user', foreignField: '_id', as: 'u' } },
    { $unset: 'createdAt' },
    { $sort: { amount: 1 } },
  ]);
  for (const doc of output) {
    (doc.u as Doc[]).push({ injected: true });
    if (Array.isArray(doc.extra) && doc.extra.length) (doc.extra[0] as Doc).mutated = true;
  }
  t.deepEqual(input, before);
  t.is(USERS.length, 3);
  t.false('injected' in USERS[0]!);
});

test('pipeline: output documents are not shared with each other', (t) => {
  const [a, b] = run([{ _id: 1 }, { _id: 2 }], [{ $addFields: { list: { $literal: [1] } } }]);
  (a!.list as number[]).push(2);
  t.deepEqual(b!.list, [1]);
});

test('pipeline: $sample uses ctx.random and returns distinct documents', (t) => {
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const picked = run(NUMBERS, [{ $sample: { size: 4 } }], random);
  t.is(picked.length, 4);
  t.is(new Set(picked.map((d) => d._id)).size, 4);
  seed = 1;
  t.deepEqual(run(NUMBERS, [{ $sample: { size: 4 } }], random), picked);
  t.is(run(NUMBERS, [{ $sample: { size: 50 } }]).length, NUMBERS.length);
  t.deepEqual(run(NUMBERS, [{ $sample: { size: 0 } }]), []);
  t.deepEqual(
    run(NUMBERS, [{ $sample: { size: 2 } }], () => 0).map((d) => d._id),
    [0, 1],
  );
});

test('pipeline: $lookup of a missing collection fails as loadCollection does', (t) => {
  const err = t.throws(() => run(ORDERS, [{ $lookup: { from: 'nope', localField: 'a', foreignField: 'b', as: 'c' } }]));
  t.is((err as CloudBaseError).code, 'DATABASE_COLLECTION_NOT_EXIST');
});

const pipelineErrors: Array<[name: string, pipeline: Doc[], message: RegExp, input?: Doc[]]> = [
  ['unknown stage', [{ $frobnicate: {} }], /aggregation stage \$frobnicate is not supported/],
  // The database runs a leading $geoNear before the in-memory pipeline, which therefore never accepts one.
  ['$geoNear past the first stage', [{ $geoNear: {} }], /\$geoNear is only valid as the first stage/],
  ...['$out', '$merge', '$graphLookup', '$collStats', '$indexStats', '$redact', '$unionWith'].map(
    (stage): [string, Doc[], RegExp] => [
      `refused stage ${stage}`,
      [{ [stage]: {} }],
      new RegExp(`aggregation stage \\${stage} is not supported`),
    ],
  ),
  ['refused stage after an emptying stage', [{ $match: { none: 1 } }, { $out: 'x' }], /\$out is not supported/],
  [
    'unknown operator even on empty input',
    [{ $project: { x: { $frobnicate: 1 } } }],
    /aggregation operator \$frobnicate is not supported/,
    [],
  ],
  ['$match not an object', [{ $match: 'x' }], /\$match must be an object/],
  ['$project empty', [{ $project: {} }], /at least one field/],
  [
    '$project mixes inclusion and exclusion',
    [{ $project: { a: 1, b: 0 } }],
    /cannot do exclusion on field 'b' in an inclusion projection/,
  ],
  ['$project expression in exclusion', [{ $project: { a: 0, b: { $add: [1, 1] } } }], /cannot use an expression/],
  ['$project path collision', [{ $project: { a: 1, 'a.b': 1 } }], /path collision at a.b/],
  ['$project empty sub-object', [{ $project: { a: {} } }], /empty object is not a valid value/],
  ['$project $-field', [{ $project: { $a: 1 } }], /may not start with '\$'/],
  ['$addFields empty', [{ $addFields: {} }], /at least one field/],
  ['$unset empty array', [{ $unset: [] }], /\$unset specification/],
  ['$unset number', [{ $unset: 1 }], /\$unset specification/],
  ['$group without _id', [{ $group: { n: { $sum: 1 } } }], /must include an _id/],
  [
    '$group unsupported accumulator',
    [{ $group: { _id: null, t: { $top: { sortBy: { a: 1 }, output: '$a' } } } }],
    /\$group accumulator \$top is not supported/,
  ],
  [
    '$group accumulator with a list',
    [{ $group: { _id: null, t: { $sum: ['$a', '$b'] } } }],
    /The \$sum accumulator is a unary operator/,
  ],
  ['$group field not an accumulator', [{ $group: { _id: null, t: 1 } }], /must be an accumulator object/],
  ['$group dotted field', [{ $group: { _id: null, 'a.b': { $sum: 1 } } }], /cannot contain '.'/],
  ['$group $count with arguments', [{ $group: { _id: null, n: { $count: { x: 1 } } } }], /\$count takes no arguments/],
  ['$group accumulator error is data', [{ $group: { _id: null, m: { $mergeObjects: '$amount' } } }], /requires object inputs/],
  ['$sort empty', [{ $sort: {} }], /at least one sort key/],
  ['$sort bad direction', [{ $sort: { a: 2 } }], /must be 1 or -1/],
  ['$skip negative', [{ $skip: -1 }], /\$skip must be a non-negative integer/],
  ['$skip fractional', [{ $skip: 1.5 }], /\$skip must be a non-negative integer/],
  ['$limit zero', [{ $limit: 0 }], /\$limit must be a positive integer/],
  ['$limit string', [{ $limit: '3' }], /\$limit must be a positive integer/],
  ['$count empty', [{ $count: '' }], /non-empty string/],
  ['$count $-name', [{ $count: '$n' }], /\$-prefixed/],
  ['$count dotted', [{ $count: 'a.b' }], /cannot contain '.'/],
  ['$unwind without $', [{ $unwind: 'items' }], /prefixed with a '\$'/],
  ['$unwind unknown option', [{ $unwind: { path: '$items', other: 1 } }], /unrecognized option to \$unwind: other/],
  ['$unwind bad index field', [{ $unwind: { path: '$items', includeArrayIndex: '$i' } }], /includeArrayIndex/],
  ['$unwind bad preserve', [{ $unwind: { path: '$items', preserveNullAndEmptyArrays: 1 } }], /must be a boolean/],
  ['$lookup without as', [{ $lookup: { from: 'users', localField: 'user', foreignField: '_id' } }], /\$lookup requires 'as'/],
  [
    '$lookup half an equality',
    [{ $lookup: { from: 'users', localField: 'user', as: 'u' } }],
    /both 'localField' and 'foreignField'/,
  ],
  ['$lookup neither form', [{ $lookup: { from: 'users', as: 'u' } }], /either 'pipeline' or both/],
  [
    '$lookup let without pipeline',
    [{ $lookup: { from: 'users', localField: 'a', foreignField: 'b', let: { x: 1 }, as: 'u' } }],
    /'let' requires a 'pipeline'/,
  ],
  ['$lookup bad let name', [{ $lookup: { from: 'users', let: { X: 1 }, pipeline: [], as: 'u' } }], /invalid variable name "X"/],
  [
    '$lookup unknown option',
    [{ $lookup: { from: 'users', as: 'u', pipeline: [], other: 1 } }],
    /unrecognized option to \$lookup: other/,
  ],
  [
    '$lookup pipeline with refused stage',
    [{ $lookup: { from: 'users', as: 'u', pipeline: [{ $out: 'x' }] } }],
    /\$out is not supported/,
  ],
  [
    '$lookup pipeline stage with two keys',
    [{ $lookup: { from: 'users', as: 'u', pipeline: [{ $match: {}, $limit: 1 }] } }],
    /exactly one field/,
  ],
  [
    '$replaceRoot to a scalar',
    [{ $replaceRoot: { newRoot: '$amount' } }],
    /must evaluate to an object.*Type of resulting value: 'int'/,
  ],
  ['$replaceRoot to missing', [{ $replaceRoot: { newRoot: '$nope' } }], /Type of resulting value: 'missing'/],
  ['$replaceRoot without newRoot', [{ $replaceRoot: { root: '$a' } }], /unrecognized option to \$replaceRoot/],
  ['$replaceWith a string', [{ $replaceWith: '$status' }], /must evaluate to an object/],
  ['$sortByCount plain object', [{ $sortByCount: { a: '$status' } }], /\$-prefixed path or an expression object/],
  ['$sortByCount literal', [{ $sortByCount: 'status' }], /\$-prefixed path or an expression object/],
  ['$sample negative', [{ $sample: { size: -1 } }], /must not be negative/],
  ['$sample without size', [{ $sample: {} }], /\$sample requires 'size'/],
  ['$bucket unsorted boundaries', [{ $bucket: { groupBy: '$amount', boundaries: [10, 5] } }], /sorted in ascending order/],
  ['$bucket mixed boundaries', [{ $bucket: { groupBy: '$amount', boundaries: [0, 'a'] } }], /same type/],
  ['$bucket one boundary', [{ $bucket: { groupBy: '$amount', boundaries: [0] } }], /at least 2 values/],
  [
    '$bucket default inside boundaries',
    [{ $bucket: { groupBy: '$amount', boundaries: [0, 100], default: 50 } }],
    /'default' field must be less than the lowest boundary/,
  ],
  [
    '$bucket value outside without default',
    [{ $bucket: { groupBy: '$amount', boundaries: [0, 100] } }],
    /could not find a matching branch/,
  ],
  [
    '$bucket groupBy literal',
    [{ $bucket: { groupBy: 'amount', boundaries: [0, 100] } }],
    /'groupBy' field must be defined as a \$-prefixed path/,
  ],
  [
    '$bucket unknown option',
    [{ $bucket: { groupBy: '$amount', boundaries: [0, 1000], foo: 1 } }],
    /unrecognized option to \$bucket: foo/,
  ],
  ['$bucketAuto zero buckets', [{ $bucketAuto: { groupBy: '$amount', buckets: 0 } }], /'buckets' field must be a positive/],
  [
    '$bucketAuto granularity',
    [{ $bucketAuto: { groupBy: '$amount', buckets: 2, granularity: 'R5' } }],
    /granularity' is not supported/,
  ],
  ['$facet nested $facet', [{ $facet: { a: [{ $facet: { b: [{ $limit: 1 }] } }] } }], /not allowed to be used within a \$facet/],
  ['$facet empty sub-pipeline', [{ $facet: { a: [] } }], /at least one stage/],
];

for (const [name, pipeline, message, input] of pipelineErrors) {
  test(`pipeline error: ${name}`, (t) => {
    const err = t.throws(() => run(input ?? ORDERS, pipeline), { instanceOf: CloudBaseError, message });
    t.is(err?.code, 'INVALID_PARAM');
  });
}
