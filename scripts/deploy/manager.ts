import CloudBase from '@cloudbase/manager-node';
import type { IndexSpec } from '../../emulator/index.js';
import { type CloudTarget, forEachLimited } from './apply.js';
import type { Credentials } from './credentials.js';
import type { TimerTrigger } from './declarations.js';
import {
  type FunctionStep,
  normalizeCron,
  type RemoteIndex,
  type RemoteSiteFile,
  type RoutingRule,
  type WebsiteConfig,
} from './plan.js';

/**
 * The real CloudTarget, over @cloudbase/manager-node (the library the cloudbase CLI itself is built on). Chosen over
 * running `tcb` through child_process because it needs no global install or interactive login, reads state as data
 * (the plan needs existing indexes, triggers and variables, which the CLI only prints), and reports errors with
 * their API codes. References, as of manager-node 5.6:
 * - collections and indexes: `database.listCollections` / `describeCollection` / `createCollection` /
 *   `updateCollection(name, { CreateIndexes })` = TencentCloud tcb ListTables / DescribeTable / CreateTable /
 *   UpdateTable (cloud.tencent.com/document/api/876/127964);
 * - security rules: tcb DescribeSafeRule / ModifySafeRule with AclTag CUSTOM through `commonService('tcb')`
 *   (manager-node's security-rule API; cloud.tencent.com/document/api/876/128959);
 * - functions: `functions.createFunction` / `updateFunctionCode` / `updateFunctionConfig` / `createFunctionTriggers`
 *   / `deleteFunctionTrigger` = SCF CreateFunction / UpdateFunctionCode / UpdateFunctionConfiguration /
 *   BatchCreateTrigger / DeleteTrigger (Namespace = the environment id);
 * - HTTP access: tcb DescribeCloudBaseGWAPI and `access.createAccess` = CreateCloudBaseGWAPI (Type 1 = function),
 *   what `tcb service create -p <path> -f <function>` does;
 * - static hosting: `hosting.getInfo` = tcb DescribeStaticStore (bucket, region, status, domain), then COS on the
 *   hosting bucket: `findFiles` = GET Bucket (keys, sizes, ETags), `uploadFiles` = PUT Object (multipart over 5 MB),
 *   `deleteFiles` = DELETE Object, `getWebsiteConfig` / `setWebsiteDocument` = GET / PUT Bucket website; what
 *   `tcb hosting deploy` / `tcb hosting delete` do.
 * manager-node sends its requests through `http_proxy` when that is set.
 */
export interface ManagerOptions {
  envId: string;
  region?: string;
  credentials: Credentials;
}

/** Source maps stay local: the runtime does not read them and they triple the upload. */
const IGNORE = ['*.map'];

export function managerTarget(options: ManagerOptions): CloudTarget {
  const { envId } = options;
  const app = new CloudBase({
    envId,
    region: options.region,
    secretId: options.credentials.secretId,
    secretKey: options.credentials.secretKey,
    token: options.credentials.token,
  });
  const tcb = app.commonService('tcb');
  const functions = app.functions;

  /** Code goes inline (ZipFile, up to 1.5 MB zipped); bigger packages go through the temporary COS upload. */
  async function withCodeUpload(run: (mode: 'zip' | 'cos') => Promise<unknown>): Promise<void> {
    try {
      await run('zip');
    } catch (e) {
      if (!/1\.5MB/.test(String((e as Error).message))) throw e;
      await run('cos');
    }
  }

  const funcOf = (fn: FunctionStep) => ({
    name: fn.name,
    runtime: fn.runtime,
    memorySize: fn.memorySize,
    timeout: fn.timeout,
    handler: 'index.main',
    // The platform installs package.json's dependencies (wx-server-sdk, left out of the bundle).
    installDependency: true,
    ignore: IGNORE,
    // The complete set (UpdateFunctionConfiguration replaces it). manager-node sends nothing when it is empty, so a
    // function that stops reading every variable keeps its old ones until they are removed in the console.
    envVariables: fn.envVariables,
  });

  return {
    async listCollections() {
      const names: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await app.database.listCollections({ MgoOffset: offset, MgoLimit: 100 });
        const got = (page.Collections ?? []).map((c) => c.CollectionName);
        names.push(...got);
        if (got.length < 100 || names.length >= (page.Pager?.Total ?? 0)) return names;
      }
    },

    async describeIndexes(collection) {
      const info = await app.database.describeCollection(collection);
      return (info.Indexes ?? []).map((ix): RemoteIndex => ({
        name: ix.Name,
        keys: (ix.Keys ?? []).map((k) => {
          const direction = (k as { Direction?: string | number }).Direction;
          return [k.Name ?? '', direction === '2dsphere' ? '2dsphere' : Number(direction) === -1 ? -1 : 1];
        }),
        unique: !!ix.Unique,
      }));
    },

    async describeRules(collection) {
      const res = (await tcb.call({ Action: 'DescribeSafeRule', Param: { EnvId: envId, CollectionName: collection } })) as {
        AclTag?: string;
        Rule?: string | null;
      };
      return res.AclTag ? { aclTag: res.AclTag, rule: res.Rule ?? undefined } : undefined;
    },

    async getFunction(name) {
      let info;
      try {
        info = await functions.getFunctionDetail(name);
      } catch (e) {
        if (/^ResourceNotFound/.test(String((e as { code?: string }).code ?? ''))) return undefined;
        throw e;
      }
      const variables = (info.Environment?.Variables ?? []) as Array<{ Key: string; Value: string }>;
      return {
        runtime: info.Runtime,
        envVariables: Object.fromEntries(variables.map((v) => [v.Key, v.Value])),
        triggers: (info.Triggers ?? []).map((t) => ({
          name: t.TriggerName,
          type: t.Type,
          config: normalizeCron(t.TriggerDesc ?? ''),
        })),
      };
    },

    async getRoute(path) {
      const res = (await tcb.call({ Action: 'DescribeCloudBaseGWAPI', Param: { ServiceId: envId, Path: path } })) as {
        APISet?: Array<{ Path: string; Name: string; Type: number }>;
      };
      const api = (res.APISet ?? []).find((a) => a.Path === path);
      return api ? { path: api.Path, function: api.Name } : undefined;
    },

    async createCollection(name) {
      await app.database.createCollection(name);
    },

    async createIndexes(collection, indexes: IndexSpec[]) {
      await app.database.updateCollection(collection, {
        CreateIndexes: indexes.map((ix) => ({
          IndexName: ix.name,
          MgoKeySchema: {
            MgoIndexKeys: ix.keys.map(([key, dir]) => ({ Name: key, Direction: String(dir) })),
            MgoIsUnique: ix.unique,
          },
        })),
      });
    },

    async setRules(collection, rule) {
      await tcb.call({
        Action: 'ModifySafeRule',
        Param: { EnvId: envId, CollectionName: collection, AclTag: 'CUSTOM', Rule: rule },
      });
    },

    async createFunction(fn) {
      // createFunction waits for the function to be Active and creates the triggers itself.
      await withCodeUpload((mode) =>
        functions.createFunction({
          func: { ...funcOf(fn), triggers: fn.triggers.create },
          functionPath: fn.dir,
          force: false,
          deployMode: mode,
        }),
      );
    },

    async updateFunction(fn) {
      await withCodeUpload((mode) => functions.updateFunctionCode({ func: funcOf(fn), functionPath: fn.dir, deployMode: mode }));
      // SCF refuses configuration changes while the code update is still being applied.
      await functions.waitFunctionActive(fn.name);
      // No `triggers` here: updateFunctionConfig would try to create them and only warn when they exist.
      await functions.updateFunctionConfig(funcOf(fn));
      await functions.waitFunctionActive(fn.name);
    },

    async deleteTrigger(fn, trigger) {
      await functions.deleteFunctionTrigger(fn, trigger);
    },

    async createTriggers(fn, triggers: TimerTrigger[]) {
      await functions.createFunctionTriggers(fn, triggers);
    },

    async createRoute(route) {
      await app.access.createAccess({ name: route.function, path: route.path });
    },

    async getHosting(cloudPath) {
      const [site] = (await app.hosting.getInfo()) ?? [];
      if (!site || site.Status !== 'online') return { online: false, status: site?.Status, files: [] };
      const files: RemoteSiteFile[] = [];
      for (let marker: string | undefined; ;) {
        const page = (await app.hosting.findFiles({ prefix: cloudPath, maxKeys: 1000, marker })) as CosListing;
        const got = page.Contents ?? [];
        files.push(...got.map((c) => ({ key: c.Key, size: Number(c.Size), etag: c.ETag ?? '' })));
        if (!(page.IsTruncated === true || page.IsTruncated === 'true') || !got.length) break;
        // COS gives NextMarker only with a delimiter; the last key is where the next page starts either way.
        marker = page.NextMarker || got[got.length - 1]!.Key;
      }
      const website = websiteOf((await app.hosting.getWebsiteConfig()) as CosWebsite);
      return { online: true, status: site.Status, domain: site.CdnDomain, files, website };
    },

    async uploadHostingFiles(files) {
      // manager-node retries the files a parallel round failed one by one, and throws if any still fails.
      await app.hosting.uploadFiles({ files, parallel: 8, retryCount: 2, ignore: [] });
    },

    async deleteHostingFiles(keys) {
      await forEachLimited(keys, 4, async (key) => {
        const res = await app.hosting.deleteFiles({ cloudPath: key, isDir: false });
        if (res.Error.length) throw res.Error[0] as Error;
      });
    },

    async setWebsite(config) {
      await app.hosting.setWebsiteDocument({
        indexDocument: config.indexDocument,
        errorDocument: config.errorDocument,
        routingRules: config.routingRules.length ? config.routingRules : undefined,
      });
    },
  };
}

interface CosListing {
  Contents?: Array<{ Key: string; Size: string | number; ETag?: string }>;
  IsTruncated?: string | boolean;
  NextMarker?: string;
}

interface CosWebsite {
  WebsiteConfiguration?: {
    IndexDocument?: { Suffix?: string };
    ErrorDocument?: { Key?: string };
    RedirectAllRequestsTo?: unknown;
    RoutingRules?: Array<{ Condition?: Record<string, string>; Redirect?: Record<string, string> }>;
  };
}

/**
 * The website configuration as GET Bucket website gives it, in setWebsiteDocument's terms. Rewritable only if every
 * rule has exactly the one condition and the one replacement setWebsiteDocument can send back.
 */
function websiteOf(res: CosWebsite): WebsiteConfig | undefined {
  const c = res.WebsiteConfiguration;
  if (!c || (!c.IndexDocument && !c.ErrorDocument && !c.RoutingRules?.length)) return undefined;
  let rewritable = !c.RedirectAllRequestsTo;
  const routingRules = (c.RoutingRules ?? []).map((rule): RoutingRule => {
    const condition = rule.Condition ?? {};
    const redirect = rule.Redirect ?? {};
    const known = (o: Record<string, string>, names: string[]) =>
      Object.keys(o).length === 1 && names.includes(Object.keys(o)[0]!);
    if (
      !known(condition, ['KeyPrefixEquals', 'HttpErrorCodeReturnedEquals']) ||
      !known(redirect, ['ReplaceKeyWith', 'ReplaceKeyPrefixWith'])
    )
      rewritable = false;
    return {
      keyPrefixEquals: condition.KeyPrefixEquals,
      httpErrorCodeReturnedEquals: condition.HttpErrorCodeReturnedEquals,
      replaceKeyWith: redirect.ReplaceKeyWith,
      replaceKeyPrefixWith: redirect.ReplaceKeyPrefixWith,
    };
  });
  return {
    indexDocument: c.IndexDocument?.Suffix || undefined,
    errorDocument: c.ErrorDocument?.Key || undefined,
    routingRules,
    rewritable,
  };
}
