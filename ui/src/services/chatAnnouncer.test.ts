import { expect, test } from "vitest";
import { escalatedConversation, makeConversation } from "../testing/fixtures";
import { createTestServices } from "../testing/renderWithProviders";
import { ChatAnnouncer } from "./chatAnnouncer";

function heard(services: ReturnType<typeof createTestServices>): string | undefined {
  return services.store.getState().ui.announcement?.text;
}

test("a hand-off queued for the support team is announced, then its case number once the team has it", () => {
  const services = createTestServices();
  const announcer = new ChatAnnouncer(services.store);
  const queued = makeConversation({
    status: "escalated",
    case: { id: "c", number: "CS-20261207-0A1B2C", url: null, status: "queued" },
  });

  announcer.conversationChanged(queued);
  expect(heard(services)).toBe("A person will take over. We are passing your request to our team.");
  announcer.conversationChanged(queued);
  announcer.conversationChanged({
    ...queued,
    case: { id: "c", number: "00001027", url: null, status: "new" },
  });
  expect(heard(services)).toBe("Your case number is 00001027.");
  const count = services.store.getState().ui.announcement?.id;
  announcer.conversationChanged({
    ...queued,
    case: { id: "c", number: "00001027", url: null, status: "open" },
  });
  expect(services.store.getState().ui.announcement?.id).toBe(count);
});

test("a hand-off whose case number is known at once is announced once with it", () => {
  const services = createTestServices();
  const announcer = new ChatAnnouncer(services.store);
  announcer.conversationChanged(escalatedConversation);
  expect(heard(services)).toBe("A person will take over. Your case number is 00001027.");
});
