/** What a message template gets. */
export interface VoucherMessageContent {
  purchaseId: string;
  profile: string;
  mode: "vc" | "up";
  vouchers: readonly { username: string; password: string }[];
  /** `30d`, `4w3d`, ... as in the plan. */
  timeLimit?: string;
  /** `2GB`, `500MB`, ... as in the plan. */
  dataLimit?: string;
  /** Where customers log in, e.g. `http://hotspot.example/login`. */
  loginUrl: string;
}

export type VoucherMessageTemplate = (content: VoucherMessageContent) => string;

const UNITS: Record<string, string> = { w: "minggu", d: "hari", h: "jam", m: "menit", s: "detik" };

/** `4w3d` → `4 minggu 3 hari`. */
export function describeTimeLimit(timeLimit: string): string {
  return [...timeLimit.matchAll(/(\d+)([wdhms])/g)]
    .map(([, amount, unit]) => `${amount} ${UNITS[unit!]}`)
    .join(" ");
}

/** The default message, in Indonesian. */
export const indonesianVoucherMessage: VoucherMessageTemplate = (content) => {
  const lines = [
    `Terima kasih! Pembayaran pesanan ${content.purchaseId} sudah kami terima.`,
    "",
    `Voucher hotspot Anda (paket ${content.profile}):`,
    ...content.vouchers.map((v, i) =>
      content.mode === "vc"
        ? `${i + 1}. Kode: ${v.username}`
        : `${i + 1}. Username: ${v.username} | Password: ${v.password}`,
    ),
    "",
  ];
  if (content.timeLimit) lines.push(`Masa aktif: ${describeTimeLimit(content.timeLimit)}`);
  if (content.dataLimit) lines.push(`Kuota: ${content.dataLimit.replace(/(MB|GB)$/, " $1")}`);
  lines.push(`Login di: ${content.loginUrl}`);
  return lines.join("\n");
};
