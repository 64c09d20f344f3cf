# Sourced by ./mvnw: the gateway builds with JDK 21 or newer. When JAVA_HOME (or the java on PATH)
# is older, pick the newest JDK >= 21 found in the usual install folders and say so; when there is
# none, stop with a message naming what to install. POSIX sh on purpose (mvnw is /bin/sh).
mvnw_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
mvnw_current_java="java"
[ -n "${JAVA_HOME-}" ] && mvnw_current_java="$JAVA_HOME/bin/java"
mvnw_current_major=$(mvnw_java_major "$mvnw_current_java" 2>/dev/null)
if [ -z "$mvnw_current_major" ] || [ "$mvnw_current_major" -lt 21 ]; then
  mvnw_best_home=""
  mvnw_best_major=0
  for mvnw_home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$mvnw_home/bin/javac" ] || continue
    mvnw_major=$(mvnw_java_major "$mvnw_home/bin/java" 2>/dev/null)
    [ -n "$mvnw_major" ] || continue
    if [ "$mvnw_major" -ge 21 ] && [ "$mvnw_major" -gt "$mvnw_best_major" ]; then
      mvnw_best_home="$mvnw_home"
      mvnw_best_major="$mvnw_major"
    fi
  done
  if [ -z "$mvnw_best_home" ]; then
    echo "RunComfy Gateway needs JDK 21 or newer; found ${mvnw_current_major:-no} JDK (${mvnw_current_java})." >&2
    echo "Install one (for example: apt-get install openjdk-21-jdk-headless, or Temurin 21/25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  [ -n "${MVNW_QUIET_JDK-}" ] || echo "mvnw: JDK ${mvnw_current_major:-?} is too old; using JDK $mvnw_best_major at $mvnw_best_home" >&2
  JAVA_HOME="$mvnw_best_home"
  export JAVA_HOME
fi
