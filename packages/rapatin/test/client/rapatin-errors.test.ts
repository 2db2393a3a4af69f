import {
  HttpApiError,
  HttpNetworkError,
  HttpTimeoutError,
  InvalidArgumentError,
  LunasError,
} from "@lunas/core";
import {
  BookingInProgressError,
  RapatinApiError,
  RapatinError,
  RapatinLoginError,
  RapatinNetworkError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "@lunas/rapatin";
import { describe, expect, it } from "vitest";

describe("Rapatin's errors on core's HTTP client", () => {
  const httpErrors = [
    new RapatinApiError(503, "down"),
    new RapatinValidationError("rejected", { topic: ["required"] }),
    new RapatinLoginError(422),
    new RapatinTimeoutError("POST /schedules", 50),
    new RapatinNetworkError("POST /schedules"),
  ];

  it("are core's HTTP errors and still RapatinError", () => {
    for (const error of httpErrors) {
      expect(error, error.name).toBeInstanceOf(RapatinError);
      expect(error, error.name).toBeInstanceOf(LunasError);
    }
    expect(httpErrors[0]).toBeInstanceOf(HttpApiError);
    expect(httpErrors[1]).toBeInstanceOf(HttpApiError);
    expect(httpErrors[2]).toBeInstanceOf(HttpApiError);
    expect(httpErrors[3]).toBeInstanceOf(HttpTimeoutError);
    expect(httpErrors[4]).toBeInstanceOf(HttpNetworkError);
    expect(httpErrors.map((e) => e.code)).toEqual([
      "RAPATIN_SERVER_ERROR",
      "RAPATIN_VALIDATION",
      "RAPATIN_LOGIN_FAILED",
      "RAPATIN_TIMEOUT",
      "RAPATIN_UNREACHABLE",
    ]);
  });

  it("keep instanceof exact for the other Rapatin errors and for foreign errors", () => {
    const inProgress = new BookingInProgressError("order-1", 10);
    expect(inProgress).toBeInstanceOf(RapatinError);
    expect(inProgress).toBeInstanceOf(BookingInProgressError);
    expect(httpErrors.some((error) => error instanceof BookingInProgressError)).toBe(false);
    expect(inProgress).not.toBeInstanceOf(RapatinApiError);
    expect(new HttpApiError(500, "someone else's")).not.toBeInstanceOf(RapatinError);
    expect(new InvalidArgumentError("bad")).not.toBeInstanceOf(RapatinError);
    expect(new Error("plain")).not.toBeInstanceOf(RapatinError);
  });
});
