import { describe, expect, it } from "vitest";
import { InProcessEventBus } from "../../server/events/event-bus.server";

describe("the in-process event bus", () => {
  it("tells each listener of its type only, until it stops listening", () => {
    const bus = new InProcessEventBus();
    const ended: string[] = [];
    const indexed: string[] = [];
    const stop = bus.subscribe("session-ended", ({ sessionHash }) => ended.push(sessionHash));
    bus.subscribe("plan-indexed", ({ planId }) => indexed.push(planId));
    bus.publish({ type: "session-ended", sessionHash: "s1" });
    bus.publish({ type: "plan-indexed", planId: "p1" });
    stop();
    bus.publish({ type: "session-ended", sessionHash: "s2" });
    expect(ended).toEqual(["s1"]);
    expect(indexed).toEqual(["p1"]);
  });

  it("a listener that throws does not keep the event from the others", () => {
    const bus = new InProcessEventBus();
    const told: string[] = [];
    bus.subscribe("deputyship-ended", () => {
      throw new Error("broken listener");
    });
    bus.subscribe("deputyship-ended", ({ userId }) => told.push(userId));
    expect(() => bus.publish({ type: "deputyship-ended", userId: "u1" })).not.toThrow();
    expect(told).toEqual(["u1"]);
  });
});
