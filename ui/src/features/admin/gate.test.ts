import { expect, test } from "vitest";
import { ApiError } from "../../services/api";
import { gateComparison, isGateRefusal } from "./gate";

const details = {
  live: "grounded@1.0",
  candidate: "grounded@1.1",
  tolerance: 0.02,
  metrics: [{ metric: "key_fact_accuracy", live: 0.857, candidate: null, delta: null, passed: false }],
  reason: "candidate_not_evaluated",
};

test("the comparison of a refused promote is read from the error's details", () => {
  const error = new ApiError({ status: 409, code: "eval_gate_failed", details });
  expect(gateComparison(error)).toEqual(details);
  expect(isGateRefusal(error)).toBe(true);
});

test("details that do not fit give no table, but the refusal is still the gate's", () => {
  const error = new ApiError({ status: 409, code: "eval_gate_failed", details: { metrics: "nope" } });
  expect(gateComparison(error)).toBeNull();
  expect(isGateRefusal(error)).toBe(true);
});

test("other errors are not the gate's", () => {
  expect(gateComparison(new ApiError({ status: 409, code: "already_live", details }))).toBeNull();
  expect(isGateRefusal(new Error("eval_gate_failed"))).toBe(false);
});
