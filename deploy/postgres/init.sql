-- one PostgreSQL for the compose deployment: a database per service that keeps state
CREATE DATABASE gateway;
CREATE DATABASE registry;
