export {
  Sandbox,
  startSandbox,
  type SandboxOptions,
  type ReceivedRequest,
  type AcceptedEvent,
} from './server.js';
export { DEMO_ACCOUNT, TEST_ACCOUNT, FORBIDDEN_ACCOUNT, credentialsOf } from './accounts.js';
export type { FaultRule, ChaosSettings } from './faults.js';
