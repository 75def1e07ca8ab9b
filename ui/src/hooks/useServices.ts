// The services (store, query cache, api, session, socket, chat) reach components through one context.
import { createContext, useContext } from "react";
import type { AppServices } from "../services";

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices needs <AppProviders> above it");
  return services;
}
