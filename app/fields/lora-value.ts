/** One LoRA slot as the LoRAs field edits it (the request's `loras` item). */
export interface LoraValue {
  enabled: boolean;
  model_name: string;
  weight: number;
}
