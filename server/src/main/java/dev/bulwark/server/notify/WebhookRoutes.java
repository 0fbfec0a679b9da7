package dev.bulwark.server.notify;

import static dev.bulwark.server.http.ApiRoute.delete;
import static dev.bulwark.server.http.ApiRoute.get;
import static dev.bulwark.server.http.ApiRoute.post;

import dev.bulwark.server.auth.Permission;
import dev.bulwark.server.http.ApiException;
import dev.bulwark.server.http.ApiRoute;
import dev.bulwark.server.http.Call;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Webhook management and the delivery log. */
public final class WebhookRoutes {
  private final Webhooks webhooks;

  public WebhookRoutes(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  public List<ApiRoute> routes() {
    return List.of(
        post("/api/v1/webhooks", Permission.WEBHOOK_MANAGE, this::create),
        get("/api/v1/webhooks", Permission.WEBHOOK_MANAGE, this::list),
        delete("/api/v1/webhooks/{id}", Permission.WEBHOOK_MANAGE, this::remove),
        get("/api/v1/webhooks/{id}/deliveries", Permission.WEBHOOK_MANAGE, this::deliveries));
  }

  private static long id(Call call) {
    try {
      return Long.parseLong(call.pathParam("id"));
    } catch (NumberFormatException e) {
      throw ApiException.notFound("no webhook " + call.pathParam("id"));
    }
  }

  private void create(Call call) {
    Webhooks.Created c =
        webhooks.create(call.principal(), call.requestId(), call.json(Webhooks.NewWebhook.class));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("webhook", c.webhook());
    body.put("secret", c.secret());
    call.respond(201, body);
  }

  private void list(Call call) {
    call.respond(200, Map.of("webhooks", webhooks.list(call.principal())));
  }

  private void remove(Call call) {
    webhooks.delete(call.principal(), call.requestId(), id(call));
    call.noContent();
  }

  private void deliveries(Call call) {
    call.respond(200, Map.of("deliveries", webhooks.deliveries(call.principal(), id(call))));
  }
}
