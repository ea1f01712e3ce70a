package io.ferry.restoring;

import io.ferry.protocol.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.TopicBuilder;

/** Receives the commands addressed to this host's restore side (ferry.host.ID.restore). */
@Configuration(proxyBeanMethods = false)
public class RestoreCommandListener {
    private final TargetCommands commands;

    public RestoreCommandListener(TargetCommands commands) {
        this.commands = commands;
    }

    @Bean
    NewTopic restoreCommandTopic(@Value("${ferry.host.id}") String hostId) {
        return TopicBuilder.name(Topics.restoreCommands(hostId)).partitions(1).build();
    }

    @KafkaListener(topics = "#{T(io.ferry.protocol.Topics).restoreCommands('${ferry.host.id}')}",
            groupId = "ferry.host.${ferry.host.id}.restore")
    public void on(String json) {
        commands.onRecord(json);
    }
}
