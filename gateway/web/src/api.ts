// The API as the browser speaks it: the Connect protocol (binary) to the gateway that
// served the page, with the signed-in person's token on every call, through the clients
// generated from the protos (clients/typescript/gen). Refusals are turned into text in the
// interface's language from the server's ErrorInfo and BadRequest details.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { BadRequestSchema, ErrorInfoSchema } from "../../../clients/typescript/gen/google/rpc/error_details_pb.js";
import { ForcesService } from "../../../clients/typescript/gen/tansiq/forces/v1/forces_service_pb.js";
import { AuditService } from "../../../clients/typescript/gen/tansiq/audit/v1/audit_service_pb.js";
import { CoverageService } from "../../../clients/typescript/gen/tansiq/gateway/v1/coverage_service_pb.js";
import { DeploymentService } from "../../../clients/typescript/gen/tansiq/gateway/v1/deployment_service_pb.js";
import { ZoneService } from "../../../clients/typescript/gen/tansiq/gateway/v1/zone_service_pb.js";
import { IncidentService } from "../../../clients/typescript/gen/tansiq/incident/v1/incident_service_pb.js";
import { MeetingService } from "../../../clients/typescript/gen/tansiq/meeting/v1/meeting_service_pb.js";
import { has, t } from "./i18n";
import { token } from "./session";

const bearer: Interceptor = (next) => (req) => {
  const tok = token();
  if (tok) req.header.set("Authorization", "Bearer " + tok);
  return next(req);
};

const transport = createConnectTransport({ baseUrl: location.origin, useBinaryFormat: true, interceptors: [bearer] });

export const coverage = createClient(CoverageService, transport);
export const zones = createClient(ZoneService, transport);
export const deployments = createClient(DeploymentService, transport);
export const incidents = createClient(IncidentService, transport);
export const forces = createClient(ForcesService, transport);
export const meetings = createClient(MeetingService, transport);
export const audit = createClient(AuditService, transport);

export interface Refusal {
  title: string;
  message: string;
  fields: { field: string; description: string }[];
}

// refusal explains an error in the interface's language: the reason the server gave
// (ErrorInfo), else its status code, the server's own message, and each field it refused
// (BadRequest) under the field's name in the interface.
export function refusal(err: unknown): Refusal {
  const e = ConnectError.from(err);
  if (e.code === Code.Canceled) return { title: t("error.code.Canceled"), message: "", fields: [] };
  const info = e.findDetails(ErrorInfoSchema)[0];
  const reasonKey = info ? "error.reason." + info.reason : "";
  const title = reasonKey && has(reasonKey) ? t(reasonKey) : t("error.code." + Code[e.code]);
  const fields = e
    .findDetails(BadRequestSchema)
    .flatMap((b) => b.fieldViolations)
    .map((v) => ({ field: has("field." + v.field) ? t("field." + v.field) : v.field, description: v.description }));
  return { title, message: e.rawMessage, fields };
}

export function isCanceled(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Canceled;
}

export function isOutOfRange(err: unknown): boolean {
  return ConnectError.from(err).code === Code.OutOfRange;
}

export function isUnauthenticated(err: unknown): boolean {
  return ConnectError.from(err).code === Code.Unauthenticated;
}

export interface DevIdentity {
  subject: string;
  force: string;
  role: string;
  displayName: string;
  token: string;
}

// devIdentities lists the development identities when the local stack serves them, and
// nothing on a real deployment.
export async function devIdentities(): Promise<DevIdentity[]> {
  try {
    const res = await fetch("/dev/identities", { cache: "no-store" });
    return res.ok ? ((await res.json()) as DevIdentity[]) : [];
  } catch {
    return [];
  }
}
