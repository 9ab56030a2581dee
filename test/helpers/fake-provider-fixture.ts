// One loopback fake provider per test file: started before the file's tests, reset after each test, closed at
// the end. Returns a stand-in that forwards to the running server, so tests keep writing `provider.enqueue(…)`.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';

export function useFakeProvider(): FakeProvider {
  let running: FakeProvider | undefined;
  beforeAll(async () => {
    running = await startFakeProvider();
  });
  afterEach(() => running?.reset());
  afterAll(async () => {
    await running?.close();
  });
  return new Proxy({} as FakeProvider, {
    get(_target, property) {
      if (!running) throw new Error('the fake provider is used before beforeAll started it');
      const value = Reflect.get(running, property);
      return typeof value === 'function' ? value.bind(running) : value;
    },
  });
}
