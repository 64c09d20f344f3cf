# syntax=docker/dockerfile:1
# RunComfy Gateway image: built with the Maven wrapper on a JDK, run on a JRE as the numeric non-root
# user 10001 from Spring Boot's extracted layers (dependencies change rarely, so rebuilds after a code
# change only replace the small application layer).
#
#   docker build -t runcomfy-gateway .
#   docker run --memory 1g --read-only --tmpfs /tmp -p 127.0.0.1:8080:8080 -p 127.0.0.1:8081:8081 \
#     -e DATABASE_URL=... -e RUNCOMFY_API_TOKEN=... runcomfy-gateway

FROM eclipse-temurin:25-jdk AS build
WORKDIR /workspace
# The wrapper and the pom first: their layer (and Maven's downloads, kept in a cache mount) survive
# source changes.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline || true
# Sources, and .git: from a regular clone it gives the info endpoint its commit (the pom's git-info
# profile); without it the build goes on and the info endpoint shows the build only.
COPY . .
# -Paot: Spring's AOT processing generates the bean definitions at build time (used with
# -Dspring.aot.enabled=true below). The jar is extracted without Spring Boot's launcher: a plain
# `java -jar app.jar` with its libraries in lib/ is what the JDK's AOT cache can hold (it caches
# classes of the JDK's own class loaders only).
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Paot package -DskipTests \
    && cp target/runcomfy-gateway-*.jar app.jar \
    && java -Djarmode=tools -jar app.jar extract --layers --destination extracted

FROM eclipse-temurin:25-jre
# A fixed numeric UID and GID: Kubernetes can check `runAsNonRoot` only against a number (a named user
# makes the kubelet refuse the pod), and ops/k8s/deployment.yaml runs as the same 10001:10001. The
# application files stay owned by root, readable and not writable by the process: it writes nothing
# but /tmp (Netty's native transport library, hsperfdata), so the root filesystem can be read-only.
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build /workspace/extracted/dependencies/ ./
COPY --from=build /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build /workspace/extracted/application/ ./
# Sized for a 1 GiB container, the memory limit of ops/k8s/deployment.yaml, which sets the same
# JAVA_TOOL_OPTIONS and explains the sum (heap + metaspace + code cache + direct memory + thread stacks
# + the JVM's own native memory); give the container at least 1 GiB, or set your own sizes.
ENV PORT=8080 MANAGEMENT_PORT=8081 \
    JAVA_TOOL_OPTIONS="-Xmx448m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=96m -XX:MaxDirectMemorySize=64m -Xss1m -XX:ActiveProcessorCount=2 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED"
# The JDK's AOT cache (JEP 483, 514): classes loaded and linked, and method profiles, of one start-up,
# trained here in the final image (the cache is only valid for these very jar files and this JVM) with
# the JAVA_TOOL_OPTIONS above. The training run needs no database: gateway.startup.training=true skips
# Flyway and Hibernate's JDBC metadata, spring.context.exit=onRefresh ends the JVM once the context is
# created, before anything starts. Its RunComfy token and secrets key are throwaway values of this
# build step, used for nothing. With other JVM options at run time the JVM ignores the cache (it logs
# why) and starts as without it.
RUN java -XX:AOTCacheOutput=app.aot -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar app.jar \
      --gateway.startup.training=true --spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none \
      --gateway.runcomfy.api-token=training --gateway.secrets.key="$(head -c 32 /dev/urandom | base64)" \
    && test -s app.aot
USER 10001:10001
EXPOSE 8080 8081
# Liveness on the management port, with bash alone (the JRE image has no curl): the group answers
# {"status":"UP"} while the process can serve requests.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_PORT} && printf 'GET /actuator/health/liveness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && grep -q '\"status\":\"UP\"' <&3"]
ENTRYPOINT ["java", "-XX:AOTCache=app.aot", "-Dspring.aot.enabled=true", "-jar", "app.jar"]
