import { z } from "zod";

export const usersTableFields = {
  table: z.string().default("users"),
  idColumn: z.string().default("id"),
  phoneColumn: z.string().default("phone_number"),
  approvedColumn: z.string().default("is_approved"),
};
