package dev.bulwark.server.attestations;

import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.policy.provenance.Dsse;
import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import dev.bulwark.server.http.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attestations of a release: DSSE envelopes in, what was stored out. */
final class AttestationRoutes {
  private final Attestations attestations;

  AttestationRoutes(Attestations attestations) {
    this.attestations = attestations;
  }

  List<ApiRoute> routes() {
    return List.of(
        post(
            "/api/v1/services/{name}/releases/{version}/attestations",
            Permission.ATTESTATION_WRITE,
            this::attest),
        get(
            "/api/v1/services/{name}/releases/{version}/attestations",
            Permission.SERVICE_READ,
            this::list));
  }

  private void attest(Call call) {
    byte[] body = call.body(Set.of("application/json", "application/vnd.dsse.envelope.v1+json"));
    if (body.length > Dsse.MAX_ENVELOPE_BYTES) {
      throw new ApiException(
          413,
          "Content Too Large",
          "a DSSE envelope may have at most " + Dsse.MAX_ENVELOPE_BYTES + " bytes");
    }
    JsonNode parsed;
    try {
      parsed = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new ApiException(
          422, "Unprocessable Content", "not a DSSE envelope: the body is not JSON");
    }
    if (parsed == null || !parsed.isObject()) {
      throw new ApiException(
          422, "Unprocessable Content", "not a DSSE envelope: the body is not a JSON object");
    }
    Attestations.View v =
        attestations.add(
            call.principal(),
            call.requestId(),
            call.pathParam("name"),
            call.pathParam("version"),
            body);
    call.respond(v.created() ? 201 : 200, v);
  }

  private void list(Call call) {
    call.respond(
        200,
        Map.of(
            "attestations",
            attestations.list(
                call.principal(), call.pathParam("name"), call.pathParam("version"))));
  }
}
