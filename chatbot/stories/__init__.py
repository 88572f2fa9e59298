"""Stories: bAbI files, the yes/no question forms, `convert`, the rule-based reader, and the
generator (`world`). The ground floor of the pipeline: nothing here reads arrays or imports Keras.
"""
