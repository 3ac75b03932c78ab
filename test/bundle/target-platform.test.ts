import { hostPlatform, isForeignPlatformFile, parseTargetPlatform } from '../../src/bundle/target-platform.js';

test('parses <os>-<arch> and "any"; refuses other names with the list of choices', () => {
  expect(parseTargetPlatform('linux-x64')).toEqual({ os: 'linux', arch: 'x64' });
  expect(parseTargetPlatform('darwin-arm64')).toEqual({ os: 'darwin', arch: 'arm64' });
  expect(parseTargetPlatform('any')).toBeUndefined();
  expect(() => parseTargetPlatform('linux')).toThrow(/fix: use one of linux-x64, linux-arm64/);
  expect(hostPlatform()).toBe(`${process.platform}-${process.arch}`);
});

test.each([
  // [package, path inside it, foreign for linux-x64?]
  ['onnxruntime-node', 'bin/napi-v6/linux/x64/onnxruntime_binding.node', false],
  ['onnxruntime-node', 'bin/napi-v6/linux/x64', false],
  ['onnxruntime-node', 'bin/napi-v6/linux', false],
  ['onnxruntime-node', 'bin/napi-v6', false],
  ['onnxruntime-node', 'bin/napi-v6/linux/arm64/libonnxruntime.so.1', true],
  ['onnxruntime-node', 'bin/napi-v6/darwin', true],
  ['onnxruntime-node', 'bin/napi-v6/win32/x64/DirectML.dll', true],
  ['onnxruntime-node', 'dist/index.js', false],
  ['other-package', 'bin/napi-v6/darwin/arm64/x.node', false],
] as const)('%s: %s is foreign to linux-x64: %s', (pkg, path, foreign) => {
  expect(isForeignPlatformFile(pkg, path, { os: 'linux', arch: 'x64' })).toBe(foreign);
});
