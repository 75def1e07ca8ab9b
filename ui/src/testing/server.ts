// The one MSW server of the unit tests (started in setup.ts, unhandled requests are errors).
import { setupServer } from "msw/node";

export const server = setupServer();
