import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findPlatformPackages, type PlatformManifest } from '../../src/acquire/executables/index.js';
import { UserError } from '../../src/model/errors.js';

const MANIFESTS: Record<string, Omit<PlatformManifest, 'name' | 'version'>> = {
  '@acme/tool-linux-x64': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
  '@acme/tool-linux-x64-musl': { os: ['linux'], cpu: ['x64'], libc: ['musl'] },
  '@acme/tool-linux-arm64': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  '@acme/tool-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@acme/tool-win32-x64': { os: ['win32'], cpu: ['x64'] },
  '@acme/tool-docs': {},
  'left-pad': { os: ['linux'], cpu: ['x64'] },
};

function registry(calls: string[] = [], missing: string[] = []) {
  return async (spec: string): Promise<PlatformManifest> => {
    calls.push(spec);
    const name = spec.slice(0, spec.lastIndexOf('@'));
    if (missing.includes(name) || !MANIFESTS[name]) throw new Error(`404 ${spec}`);
    return { name, version: '2.0.1', ...MANIFESTS[name] };
  };
}

const tool = {
  name: '@acme/tool',
  version: '2.0.1',
  optionalDependencies: Object.fromEntries(Object.keys(MANIFESTS).map((n) => [n, '2.0.1'])),
};

describe('findPlatformPackages', () => {
  it('picks the named platform, glibc before musl', async () => {
    assert.deepEqual(await findPlatformPackages(tool, 'linux-x64', registry()), [{ name: '@acme/tool-linux-x64', spec: '@acme/tool-linux-x64@2.0.1', platform: 'linux-x64' }]);
    assert.deepEqual(await findPlatformPackages(tool, 'linux-x64-musl', registry()), [{ name: '@acme/tool-linux-x64-musl', spec: '@acme/tool-linux-x64-musl@2.0.1', platform: 'linux-x64-musl' }]);
    assert.deepEqual((await findPlatformPackages(tool, 'darwin-arm64', registry())).map((p) => p.name), ['@acme/tool-darwin-arm64']);
    assert.deepEqual((await findPlatformPackages(tool, 'windows-amd64', registry())).map((p) => p.name), ['@acme/tool-win32-x64']);
  });

  it('defaults to the running platform', async () => {
    const found = await findPlatformPackages(tool, undefined, registry());
    const here = `${process.platform}-${process.arch}`;
    const expected = Object.keys(MANIFESTS).filter((n) => n === `@acme/tool-${here}`);
    assert.deepEqual(found.map((p) => p.name), expected);
  });

  it('lists every platform build for "all", ignoring dependencies that are not builds of the package', async () => {
    const calls: string[] = [];
    const found = await findPlatformPackages(tool, 'all', registry(calls));
    assert.deepEqual(found.map((p) => p.platform), ['linux-x64', 'linux-x64-musl', 'linux-arm64', 'darwin-arm64', 'win32-x64']);
    assert.ok(!calls.some((c) => c.startsWith('left-pad')), 'unrelated dependencies are not fetched');
  });

  it('recognises unscoped tools with scoped builds (bun → @bun/..., esbuild → @esbuild/...)', async () => {
    const fetch = async (spec: string): Promise<PlatformManifest> => ({ name: spec.slice(0, spec.lastIndexOf('@')), version: '1.0.0', os: ['linux'], cpu: ['arm64'] });
    const found = await findPlatformPackages({ name: 'esbuild', optionalDependencies: { '@esbuild/linux-arm64': '1.0.0', '@other/thing': '1.0.0' } }, 'linux-arm64', fetch);
    assert.deepEqual(found, [{ name: '@esbuild/linux-arm64', spec: '@esbuild/linux-arm64@1.0.0', platform: 'linux-arm64' }]);
  });

  it('skips manifests that cannot be fetched or name another package', async () => {
    assert.deepEqual(await findPlatformPackages(tool, 'linux-x64', registry([], ['@acme/tool-linux-x64'])), [
      { name: '@acme/tool-linux-x64-musl', spec: '@acme/tool-linux-x64-musl@2.0.1', platform: 'linux-x64-musl' },
    ]);
    const liar = async (): Promise<PlatformManifest> => ({ name: 'evil', version: '1.0.0', os: ['linux'], cpu: ['x64'] });
    assert.deepEqual(await findPlatformPackages(tool, 'linux-x64', liar), []);
  });

  it('returns nothing for packages without platform builds and rejects malformed platforms', async () => {
    assert.deepEqual(await findPlatformPackages({ name: 'plain', optionalDependencies: { fsevents: '2' } }, 'all', registry()), []);
    await assert.rejects(findPlatformPackages(tool, 'linux', registry()), UserError);
  });
});
