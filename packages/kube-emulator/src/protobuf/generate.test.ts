import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DESCRIPTOR_FILE } from './descriptor';
import { formatDescriptor, generateDescriptor } from './generate';

function hasGo() {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const go = hasGo();
if (!go && process.env.CI === 'true')
  throw new Error(
    'Go is required with CI=true: it reads generated.proto from the module cache',
  );
const withGo = go ? describe : describe.skip;

withGo('the committed protobuf descriptor', () => {
  it("is what Kubernetes' generated.proto files give (yarn generate-protobuf rewrites it)", () => {
    expect(formatDescriptor(generateDescriptor())).toBe(
      readFileSync(DESCRIPTOR_FILE, 'utf8'),
    );
  }, 120_000);
});
