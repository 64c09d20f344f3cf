package io.genjobs.gateway.team;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * Lets controllers declare the authenticated team as a {@link TeamPrincipal} parameter.
 */
@Configuration(proxyBeanMethods = false)
class TeamWebConfiguration implements WebFluxConfigurer {

	@Override
	public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
		configurer.addCustomResolver(new TeamPrincipalArgumentResolver());
	}

}
