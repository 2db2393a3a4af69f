import { parseFonnteWebhook } from "@lunas/fonnte-ai";
import { describe, expect, it } from "vitest";

describe("parseFonnteWebhook", () => {
  const body = {
    device: "6281100000000",
    sender: "6281234567890",
    message: "Halo",
    text: "",
    member: "",
    name: "Budi",
    location: "",
    url: "",
    filename: "",
    extension: "",
    inboxid: 12345,
    timestamp: 1764644400,
  };

  it("reads Fonnte's fields, numbers as strings, blanks as null", () => {
    expect(parseFonnteWebhook(body)).toEqual({
      kind: "message",
      message: expect.objectContaining({
        sender: "6281234567890",
        message: "Halo",
        isGroup: false,
        member: null,
        name: "Budi",
        device: "6281100000000",
        inboxId: "12345",
        timestamp: "1764644400",
        url: null,
      }),
    });
  });

  it("reads the legacy `pesan` field", () => {
    const { message: _, ...legacy } = body;
    const parsed = parseFonnteWebhook({ ...legacy, pesan: "Pesan lama" });
    expect(parsed.kind === "message" && parsed.message.message).toBe("Pesan lama");
  });

  it("lets unknown extra fields through to `raw`", () => {
    const parsed = parseFonnteWebhook({ ...body, quick: true, newField: { a: 1 } });
    expect(parsed.kind === "message" && parsed.message.raw).toMatchObject({ newField: { a: 1 } });
  });

  it("ignores group messages unless groups are enabled", () => {
    const group = { ...body, sender: "120363025000000000@g.us", member: "6281234567890" };
    expect(parseFonnteWebhook(group)).toEqual({ kind: "ignored", reason: "group" });
    const parsed = parseFonnteWebhook(group, { allowGroups: true });
    expect(parsed.kind === "message" && parsed.message).toMatchObject({
      isGroup: true,
      member: "6281234567890",
    });
  });

  it("refuses a body without a sender, naming the field, and misspelt options", () => {
    expect(() => parseFonnteWebhook({ message: "x" })).toThrow(/sender/);
    expect(() => parseFonnteWebhook({ sender: ["x"], message: "x" })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
    expect(() => parseFonnteWebhook(body, { allowGroup: true } as never)).toThrow(/allowGroup/);
  });
});
