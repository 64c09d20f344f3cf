"""Summarises `jfr print --events jdk.ExecutionSample` of a start-up (bench/startup.sh PROFILE=1).

Each sample is put in the first category, in the order below, that a frame of its stack matches, so
the shares add up to 100 %; and the top frames' packages are listed besides.
Usage: python3 startup_profile.py samples.txt
"""
import collections
import re
import sys

CATEGORIES = [
    ("Flyway", ("org.flywaydb.",)),
    ("Hibernate (metamodel, EntityManagerFactory)", ("org.hibernate.",)),
    ("Spring Data repositories", ("org.springframework.data.",)),
    ("catalog load and schema compile", ("io.genjobs.gateway.catalog.", "com.networknt.")),
    ("springdoc", ("org.springdoc.", "io.swagger.")),
    ("Resilience4j", ("io.github.resilience4j.",)),
    ("Hikari / JDBC driver", ("com.zaxxer.hikari.", "org.postgresql.")),
    ("Netty / Reactor Netty", ("io.netty.", "reactor.netty.")),
    ("Micrometer / actuator", ("io.micrometer.", "io.prometheus.", "org.springframework.boot.actuate.")),
    ("Jackson", ("tools.jackson.", "com.fasterxml.jackson.")),
    ("gateway's own beans", ("io.genjobs.gateway.",)),
    ("Spring configuration and bean creation", ("org.springframework.",)),
]

text = open(sys.argv[1]).read()
samples = [block for block in text.split("jdk.ExecutionSample") if "stackTrace" in block]
frames_re = re.compile(r"^\s+([\w$.]+)\.[\w$<>]+\(", re.M)
categories = collections.Counter()
tops = collections.Counter()
loading = 0
for block in samples:
    frames = frames_re.findall(block)
    if not frames:
        continue
    tops[".".join(frames[0].split(".")[:3])] += 1
    stack = " ".join(f for f in frames if not f.startswith("io.genjobs.gateway.GatewayApplication"))
    if any(f.startswith(("java.lang.ClassLoader", "jdk.internal.loader.", "java.lang.Class")) for f in frames[:6]):
        loading += 1
    for name, prefixes in CATEGORIES:
        if any(p in stack for p in prefixes):
            categories[name] += 1
            break
    else:
        categories["other (JDK, start-up of the JVM)"] += 1
total = sum(categories.values()) or 1
print(f"PROFILE samples={total} (main and other Java threads, about 20 ms apart)")
for name, count in categories.most_common():
    print(f"PROFILE under {name}: {100 * count / total:.0f} %")
print(f"PROFILE class loading/linking near the top of the stack: {100 * loading / total:.0f} %")
for name, count in tops.most_common(8):
    print(f"PROFILE top frame {name}: {100 * count / total:.0f} %")
