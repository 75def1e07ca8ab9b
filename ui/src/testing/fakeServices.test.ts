import { describe, expect, test } from "vitest";
import { settle } from "./fakeSocket";
import { createFakeServices } from "./fakeServices";

describe("createFakeServices (Storybook's services)", () => {
  test("answers REST from the handlers without the MSW server, and opens the fake socket", async () => {
    const services = createFakeServices();
    services.backend.addConversation({ title: "Billing" });
    const page = await services.api.listConversations();
    expect(page.items.map((item) => item.title)).toEqual(["Billing"]);
    await expect(services.api.getConversation("nope")).rejects.toMatchObject({ status: 404 });
    await settle();
    expect(services.socket.getSnapshot().state).toBe("open");
  });
});
